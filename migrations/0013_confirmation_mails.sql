CREATE TABLE `confirmation_mails` (
	`email_hash` text NOT NULL,
	`sent_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `confirmation_mails_email_idx` ON `confirmation_mails` (`email_hash`,`sent_at_ms`);