CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`recipient` text NOT NULL,
	`sender` text NOT NULL,
	`message_hash` text NOT NULL,
	`envelope` text NOT NULL,
	`received_at_ms` integer NOT NULL,
	`expires_at_ms` integer
);
--> statement-breakpoint
CREATE INDEX `messages_recipient_idx` ON `messages` (`recipient`,`received_at_ms`);--> statement-breakpoint
CREATE INDEX `messages_expiry_idx` ON `messages` (`expires_at_ms`);--> statement-breakpoint
CREATE TABLE `spent_challenges` (
	`id` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
