CREATE TABLE `outbound_messages` (
	`domain` text NOT NULL,
	`id` text NOT NULL,
	`sender` text NOT NULL,
	`recipient` text NOT NULL,
	`envelopes` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at_ms` integer NOT NULL,
	`expires_at_ms` integer NOT NULL,
	`delivered_by` text,
	`last_error` text,
	`created_at_ms` integer NOT NULL,
	`finished_at_ms` integer,
	PRIMARY KEY(`domain`, `id`)
);
--> statement-breakpoint
CREATE INDEX `outbound_messages_due_idx` ON `outbound_messages` (`status`,`next_attempt_at_ms`);--> statement-breakpoint
CREATE INDEX `outbound_messages_domain_idx` ON `outbound_messages` (`domain`,`created_at_ms`);--> statement-breakpoint
CREATE TABLE `spam_rules` (
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`rules` text NOT NULL,
	`updated_at_ms` integer NOT NULL,
	PRIMARY KEY(`kind`, `subject`)
);
