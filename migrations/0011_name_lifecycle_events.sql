CREATE TABLE `name_lifecycle_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`at_ms` integer NOT NULL
);
