import { AppError } from "../http/AppError";

export { UnknownDomainError } from "../shared/servedDomains";

/** The name is not registered. */
export class NameNotFoundError extends AppError {
  override readonly name = "NameNotFoundError";
  readonly code = "name_not_found";
  readonly status = 404;
  constructor(name: string) {
    super(`"${name}" is not registered`);
  }
}

/** The DM3 profile is not signed by the name's owner. */
export class InvalidProfileSignatureError extends AppError {
  override readonly name = "InvalidProfileSignatureError";
  readonly code = "invalid_profile_signature";
  readonly status = 422;
  constructor(owner: string) {
    super(`The DM3 profile signature does not recover to the owner ${owner}`);
  }
}

export { ForbiddenError } from "../http/AppError";

/** A change-feed cursor points into history that has been folded since it was issued. */
export class CursorExpiredError extends AppError {
  override readonly name = "CursorExpiredError";
  readonly code = "cursor_expired";
  readonly status = 410;
  constructor(retentionDays: number) {
    super(
      `after: this cursor points into change history older than the feed keeps (${retentionDays} days, folded into one put per name since); ` +
        "restart from the beginning (omit `after`) to rebuild the current state",
    );
  }
}

/** The API key does not exist. */
export class ApiKeyNotFoundError extends AppError {
  override readonly name = "ApiKeyNotFoundError";
  readonly code = "api_key_not_found";
  readonly status = 404;
  constructor(id: string) {
    super(`No API key with id "${id}"`);
  }
}

/** A user-signed write's signature has expired (or expires implausibly far ahead). */
export class SignatureExpiredError extends AppError {
  override readonly name = "SignatureExpiredError";
  readonly code = "signature_expired";
  readonly status = 401;
}

/** A user-signed write reuses a nonce, or one not above the name's last nonce (replay). */
export class StaleNonceError extends AppError {
  override readonly name = "StaleNonceError";
  readonly code = "stale_nonce";
  readonly status = 409;
  constructor(name: string, lastNonce?: number) {
    super(
      lastNonce === undefined
        ? `Nonce is not above the last nonce used for "${name}" (a replay?)`
        : `Nonce must be greater than ${lastNonce}, the last nonce used for "${name}"`,
    );
  }
}

/** The write conflicts with the current state (e.g. a patch that would orphan a DM3 profile). */
export class ConflictError extends AppError {
  override readonly name = "ConflictError";
  readonly code = "conflict";
  readonly status = 409;
}

/** Self-service onboarding reads the chain, and this deployment has no `L1_RPC_URL`. */
export class OnboardingNeedsChainError extends AppError {
  override readonly name = "OnboardingNeedsChainError";
  readonly code = "chain_not_configured";
  readonly status = 503;
  constructor() {
    super("This registry does not read the chain (no L1_RPC_URL), so it cannot check who owns a domain; ask its operator for a key instead");
  }
}

/** A domain asked to be enabled whose resolver on chain does not trust this gateway's signer. */
export class ResolverNotOursError extends AppError {
  override readonly name = "ResolverNotOursError";
  readonly code = "resolver_not_ours";
  readonly status = 409;
  constructor(domain: string, resolver: string, signer: string) {
    super(
      `${domain}'s resolver on chain (${resolver}) does not trust this gateway's signer ${signer}: deploy an OffchainResolver with that signer ` +
        `(npm run cli -- deploy resolver --signers ${signer} --urls <this worker>/ccip/{sender}/{data}.json) and set it ` +
        `(npm run cli -- deploy set-resolver ${domain} --resolver <its address>), then enable the domain again`,
    );
  }
}

/** A name asked to be created only if absent (NameStone's claim-name) already exists. */
export class NameTakenError extends AppError {
  override readonly name = "NameTakenError";
  readonly code = "name_taken";
  readonly status = 409;
  constructor(name: string) {
    super(`"${name}" is already registered: claim another name, or set it with set-name`);
  }
}

/** A DM3 profile the name has already moved away from (or that left with a deleted name) is posted again. */
export class SupersededProfileError extends AppError {
  override readonly name = "SupersededProfileError";
  readonly code = "superseded_profile";
  readonly status = 409;
  constructor(name: string) {
    super(`This DM3 profile was superseded for "${name}" and cannot be published for it again: sign a profile with new keys`);
  }
}

/** A new domain would take over names another served domain holds (refused: they are not moved). */
export class DomainHasNamesError extends AppError {
  override readonly name = "DomainHasNamesError";
  readonly code = "domain_has_names";
  readonly status = 409;
  constructor(domain: string, held: { name: string; domain: string }[]) {
    super(
      `"${domain}" cannot be registered while names under it belong to another domain (${held
        .map((entry) => `${entry.name} in ${entry.domain}`)
        .join(", ")}${held.length === NESTED_NAMES_SHOWN ? ", …" : ""}): move or delete them first`,
    );
  }
}

/** How many of the names in the way a {@link DomainHasNamesError} lists. */
export const NESTED_NAMES_SHOWN = 5;

/** A domain's names would have to move to another database (not supported: export, then import). */
export class DatabasePlacementError extends AppError {
  override readonly name = "DatabasePlacementError";
  readonly code = "database_placement";
  readonly status = 409;
}
