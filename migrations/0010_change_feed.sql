CREATE TABLE `name_changes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`domain` text NOT NULL,
	`name` text NOT NULL,
	`node` text NOT NULL,
	`kind` text NOT NULL,
	`record` text
);
--> statement-breakpoint
CREATE INDEX `name_changes_domain_idx` ON `name_changes` (`domain`,`seq`);--> statement-breakpoint
-- The feed starts with every name that exists now, so following it from the beginning rebuilds the registry.
INSERT INTO `name_changes` (`at`, `domain`, `name`, `node`, `kind`, `record`)
SELECT n.`updated_at`, n.`domain`, n.`name`, n.`node`, 'put', json_object(
	'owner', n.`owner_address`,
	'contenthash', n.`contenthash`,
	'texts', json((SELECT json_group_object(t.`key`, t.`value`) FROM `text_records` t WHERE t.`node` = n.`node`)),
	'addresses', json((SELECT json_group_object(a.`coin_type`, a.`address`) FROM `address_records` a WHERE a.`node` = n.`node`))
) FROM `names` n ORDER BY n.`updated_at`, n.`name`;
