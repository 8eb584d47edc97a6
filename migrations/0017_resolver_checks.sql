CREATE TABLE `resolver_checks` (
	`domain` text PRIMARY KEY NOT NULL,
	`checked_at` integer NOT NULL,
	`resolver_on_chain` text NOT NULL,
	`expires_at` integer,
	`problem` text,
	`fix` text
);
