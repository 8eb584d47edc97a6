CREATE TABLE `siwe_challenges` (
	`address` text PRIMARY KEY NOT NULL,
	`message` text NOT NULL,
	`expires_at` integer NOT NULL
);
