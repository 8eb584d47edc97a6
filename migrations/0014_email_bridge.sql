CREATE TABLE `bridge_confirmations` (
	`name` text PRIMARY KEY NOT NULL,
	`sealed_email` text NOT NULL,
	`alias` text,
	`code_hash` text NOT NULL,
	`sent_at_ms` integer NOT NULL,
	`expires_at_ms` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `bridge_mails` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`sealed_mail` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at_ms` integer NOT NULL,
	`last_error` text,
	`created_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `bridge_mails_due_idx` ON `bridge_mails` (`next_attempt_at_ms`);--> statement-breakpoint
CREATE INDEX `bridge_mails_name_idx` ON `bridge_mails` (`name`);--> statement-breakpoint
CREATE TABLE `bridge_switches` (
	`bridge` text PRIMARY KEY NOT NULL,
	`enabled` integer NOT NULL,
	`changed_at_ms` integer NOT NULL,
	`changed_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `bridge_threads` (
	`name` text NOT NULL,
	`mail_id` text NOT NULL,
	`message_hash` text NOT NULL,
	`peer` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	PRIMARY KEY(`name`, `mail_id`, `message_hash`)
);
--> statement-breakpoint
CREATE INDEX `bridge_threads_message_idx` ON `bridge_threads` (`name`,`message_hash`);--> statement-breakpoint
CREATE INDEX `bridge_threads_created_idx` ON `bridge_threads` (`created_at_ms`);--> statement-breakpoint
CREATE TABLE `bridge_users` (
	`name` text PRIMARY KEY NOT NULL,
	`sealed_email` text NOT NULL,
	`sealed_keys` text NOT NULL,
	`alias` text,
	`status` text NOT NULL,
	`status_reason` text,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bridge_users_alias_unique` ON `bridge_users` (`alias`);