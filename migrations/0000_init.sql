CREATE TABLE `address_records` (
	`node` text NOT NULL,
	`coin_type` integer NOT NULL,
	`address` text NOT NULL,
	PRIMARY KEY(`node`, `coin_type`),
	FOREIGN KEY (`node`) REFERENCES `names`(`node`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `domains` (
	`name` text PRIMARY KEY NOT NULL,
	`resolver_address` text NOT NULL,
	`chain_id` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `names` (
	`node` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`domain` text NOT NULL,
	`owner_address` text NOT NULL,
	`contenthash` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`domain`) REFERENCES `domains`(`name`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `names_name_unique` ON `names` (`name`);--> statement-breakpoint
CREATE INDEX `names_domain_idx` ON `names` (`domain`);--> statement-breakpoint
CREATE INDEX `names_owner_idx` ON `names` (`owner_address`);--> statement-breakpoint
CREATE TABLE `text_records` (
	`node` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`node`, `key`),
	FOREIGN KEY (`node`) REFERENCES `names`(`node`) ON UPDATE no action ON DELETE cascade
);
