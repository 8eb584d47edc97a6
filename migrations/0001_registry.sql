CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`domain` text NOT NULL,
	`label` text NOT NULL,
	`secret_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`domain`) REFERENCES `domains`(`name`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_secret_hash_unique` ON `api_keys` (`secret_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_domain_idx` ON `api_keys` (`domain`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`domain` text NOT NULL,
	`subject` text NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_domain_idx` ON `audit_log` (`domain`,`id`);--> statement-breakpoint
DROP INDEX `names_domain_idx`;--> statement-breakpoint
ALTER TABLE `names` ADD `nonce` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `names_domain_name_idx` ON `names` (`domain`,`name`);--> statement-breakpoint
ALTER TABLE `domains` ADD `allow_address_names` integer DEFAULT false NOT NULL;