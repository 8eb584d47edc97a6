CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`domain` text NOT NULL,
	`recipient` text NOT NULL,
	`body` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at_ms` integer NOT NULL,
	`last_error` text,
	`created_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`next_attempt_at_ms`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_domain_idx` ON `webhook_deliveries` (`domain`);--> statement-breakpoint
ALTER TABLE `domains` ADD `webhook_url` text;--> statement-breakpoint
ALTER TABLE `domains` ADD `webhook_secret` text;