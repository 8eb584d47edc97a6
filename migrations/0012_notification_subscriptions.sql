CREATE TABLE `notification_subscriptions` (
	`name` text PRIMARY KEY NOT NULL,
	`owner_key` text NOT NULL,
	`email` text NOT NULL,
	`code_hash` text,
	`code_sent_at_ms` integer,
	`code_expires_at_ms` integer,
	`code_attempts` integer DEFAULT 0 NOT NULL,
	`confirmed_at_ms` integer,
	`last_notified_at_ms` integer
);
