-- Owner-signed nonces move off the name's row, so a nonce stays used after the name is deleted
-- and re-created; names record how their owner proved control; superseded DM3 profiles are kept.
CREATE TABLE `name_nonces` (
	`node` text PRIMARY KEY NOT NULL,
	`nonce` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `name_nonces` (`node`, `nonce`) SELECT `node`, `nonce` FROM `names` WHERE `nonce` > 0;--> statement-breakpoint
DROP TRIGGER IF EXISTS `names_nonce_strictly_increasing`;--> statement-breakpoint
-- A replayed or stale nonce aborts the whole write batch (the registry maps it to 409 stale_nonce).
-- The write upserts: a racing first use of a nonce turns into this update and fails too.
CREATE TRIGGER `name_nonces_strictly_increasing`
BEFORE UPDATE OF `nonce` ON `name_nonces`
WHEN NEW.`nonce` <= OLD.`nonce`
BEGIN
  SELECT RAISE(ABORT, 'stale nonce');
END;--> statement-breakpoint
CREATE TABLE `superseded_profiles` (
	`node` text NOT NULL,
	`profile` text NOT NULL,
	PRIMARY KEY(`node`, `profile`)
);
--> statement-breakpoint
-- The profile record is `data:application/json,` (22 characters) + stringify(SignedUserProfile);
-- `profile` holds json_extract(…, '$.profile'), the profile's canonical JSON.
CREATE TRIGGER `text_records_no_superseded_profile`
BEFORE INSERT ON `text_records`
WHEN NEW.`key` = 'network.dm3.profile' AND EXISTS (
  SELECT 1 FROM `superseded_profiles`
  WHERE `node` = NEW.`node` AND `profile` = json_extract(substr(NEW.`value`, 23), '$.profile')
)
BEGIN
  SELECT RAISE(ABORT, 'superseded profile');
END;--> statement-breakpoint
ALTER TABLE `names` ADD `owner_proof` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `names` ADD `owner_since` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Existing names: a stored profile was verified against the owner when written; a used nonce
-- means the owner signed a write for the name.
UPDATE `names` SET `owner_since` = `created_at`,
  `owner_proof` = CASE
    WHEN `nonce` > 0 THEN 2
    WHEN EXISTS (SELECT 1 FROM `text_records` t WHERE t.`node` = `names`.`node` AND t.`key` = 'network.dm3.profile') THEN 1
    ELSE 0 END;--> statement-breakpoint
CREATE INDEX `names_proven_owner_idx` ON `names` (lower("owner_address"),"owner_proof" DESC,(substr("name", 1, 2) = '0x' AND substr("name", 43, 1) = '.' AND rtrim(substr("name", 3, 40), '0123456789abcdef') = ''),`owner_since`,`name`);--> statement-breakpoint
ALTER TABLE `names` DROP COLUMN `nonce`;
