-- User-signed writes carry a per-name nonce that must strictly increase: a replayed or stale
-- signature aborts the whole write batch (the registry maps "stale nonce" to 409).
CREATE TRIGGER `names_nonce_strictly_increasing`
BEFORE UPDATE OF `nonce` ON `names`
WHEN NEW.`nonce` <= OLD.`nonce`
BEGIN
  SELECT RAISE(ABORT, 'stale nonce');
END;
