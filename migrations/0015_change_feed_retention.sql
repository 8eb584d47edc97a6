CREATE TABLE `name_changes_horizon` (
	`id` integer PRIMARY KEY NOT NULL,
	`horizon` integer NOT NULL,
	`generation` integer NOT NULL,
	`compacted_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `name_changes_node_idx` ON `name_changes` (`node`,`seq`);