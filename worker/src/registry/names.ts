import { type Address, getAddress, type Hex } from "viem";
import { namehash } from "viem/ens";
import { auditInsert } from "../db/audit";
import type { Database } from "../db/client";
import {
  deleteNameStatements,
  findNameWithRecords,
  type NameWithRecords,
  isTriggerAbort,
  isWriteConflict,
  replaceNameStatements,
  runBatch,
  type Statement,
} from "../db/names";
import { DM3_PROFILE_TEXT_KEY, decodeProfileRecord, encodeProfileRecord, verifySignedUserProfile } from "../protocol/dm3/profile";
import type { AnswerInvalidation } from "../app/services";
import { assertNormalizedName } from "../protocol/ens/assertNormalizedName";
import { ETH_COIN_TYPE } from "../protocol/ens/coinTypes";
import { validate } from "../http/validate";
import { OWNER_PROOF } from "../db/schema";
import { ConflictError, InvalidProfileSignatureError, NameNotFoundError, StaleNonceError, SupersededProfileError, UnknownDomainError } from "./errors";
import type { NameView } from "./apiTypes";
import { type NamePatch, type NameRecords, NameRecordsSchema } from "./schemas";

export type { NameView } from "./apiTypes";
import { findServingDomain, type ServedDomain } from "../shared/servedDomains";

/**
 * Who writes, and when: every write is audited with it. `signer` is the address whose own
 * signature authorized the write (owner-signed writes, dm3's sign-up route), if any.
 */
export type WriteContext = { db: Database; answers: AnswerInvalidation; actor: string; nowSeconds: number; signer?: Address };

/** How strongly a write proves that `records.owner` controls the name (see {@link OWNER_PROOF}). */
export function ownerProofOf(records: Pick<NameRecords, "owner" | "dm3Profile">, signer: Address | undefined): number {
  if (signer && signer.toLowerCase() === records.owner.toLowerCase()) return OWNER_PROOF.ownerSignedWrite;
  // A stored profile is always verified against the owner first (toStoredName).
  return records.dm3Profile ? OWNER_PROOF.profileSignature : OWNER_PROOF.none;
}

/** The served domain `name` belongs to; the name must be ENSIP-15 normalized. */
export function domainOfName(domains: readonly ServedDomain[], name: string): ServedDomain {
  assertNormalizedName(name);
  const domain = findServingDomain(domains, name);
  if (!domain) throw new UnknownDomainError(name);
  return domain;
}

/**
 * The stored form of `records` for `name`: the DM3 profile verified against the owner and turned
 * into its text record; the owner is also the ETH address unless coin type 60 is set.
 */
export async function toStoredName(domain: ServedDomain, name: string, records: NameRecords): Promise<NameWithRecords> {
  const texts = { ...records.texts };
  if (records.dm3Profile) {
    if (!(await verifySignedUserProfile(records.dm3Profile, records.owner))) throw new InvalidProfileSignatureError(records.owner);
    texts[DM3_PROFILE_TEXT_KEY] = encodeProfileRecord(records.dm3Profile);
  }
  return {
    node: namehash(name),
    name,
    domain: domain.name,
    ownerAddress: records.owner,
    contenthash: records.contenthash,
    texts,
    addresses: { [ETH_COIN_TYPE]: records.owner.toLowerCase() as Hex, ...records.addresses },
  };
}

/** The API view of a stored name (the inverse of {@link toStoredName}). */
export function toNameView(entry: NameWithRecords): NameView {
  const { [DM3_PROFILE_TEXT_KEY]: profileRecord, ...texts } = entry.texts;
  return {
    name: entry.name,
    domain: entry.domain,
    owner: getAddress(entry.ownerAddress),
    texts,
    addresses: entry.addresses,
    contenthash: entry.contenthash,
    dm3Profile: decodeProfileRecord(profileRecord) ?? null,
  };
}

/** Creates or replaces `name` with exactly `records`, atomically, with its audit row. */
export async function putName(context: WriteContext, domain: ServedDomain, name: string, records: NameRecords, nonce?: number): Promise<NameView> {
  const entry = await toStoredName(domain, name, records);
  const proof = { ownerProof: ownerProofOf(records, context.signer), ...(nonce === undefined ? {} : { nonce }) };
  await writeAudited(context, replaceNameStatements(context.db, entry, context.nowSeconds, proof), {
    action: "name.put",
    domain: domain.name,
    subject: name,
    detail: { owner: records.owner },
  });
  await context.answers.forget(entry.node);
  return toNameView(entry);
}

/** How often a PATCH re-reads and retries after losing a race with another write to the name. */
const PATCH_ATTEMPTS = 12;
/** Random wait before a retry, times the attempt number, so racing patches spread out. */
const PATCH_RETRY_JITTER_MS = 10;

/**
 * Applies a partial update: given fields replace, `null` entries in `texts`/`addresses` delete
 * them. The merged result is checked like a full write; a DM3 profile that would no longer match
 * a new owner is refused unless the patch replaces or removes it. The write only lands on the
 * version it was merged from; a concurrent write makes it merge again (no lost update).
 */
export async function patchName(context: WriteContext, domain: ServedDomain, name: string, patch: NamePatch): Promise<NameView> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await patchOnce(context, domain, name, patch);
    } catch (error) {
      if (!isWriteConflict(error)) throw error;
      if (attempt === PATCH_ATTEMPTS) throw new ConflictError(`"${name}" kept changing while this patch was applied; retry`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * PATCH_RETRY_JITTER_MS * attempt));
    }
  }
}

async function patchOnce(context: WriteContext, domain: ServedDomain, name: string, patch: NamePatch): Promise<NameView> {
  const current = await findNameWithRecords(context.db, namehash(name));
  if (!current) throw new NameNotFoundError(name);
  const view = toNameView(current);
  const owner = patch.owner ?? view.owner;
  const addresses = mergeEntries(view.addresses, patch.addresses);
  if (patch.owner && addresses[ETH_COIN_TYPE] === view.owner.toLowerCase()) addresses[ETH_COIN_TYPE] = owner.toLowerCase() as Hex;
  const dm3Profile = patch.dm3Profile === undefined ? view.dm3Profile : patch.dm3Profile;
  if (patch.dm3Profile === undefined && dm3Profile && owner !== view.owner && !(await verifySignedUserProfile(dm3Profile, owner))) {
    throw new ConflictError(`The stored DM3 profile is not signed by the new owner ${owner}: send a new dm3Profile or null`);
  }
  const records = validate(
    NameRecordsSchema,
    {
      owner,
      texts: mergeEntries(view.texts, patch.texts),
      addresses,
      contenthash: patch.contenthash === undefined ? view.contenthash : patch.contenthash,
      dm3Profile,
    },
    "patch",
  );
  const entry = await toStoredName(domain, name, records);
  const proof = { ownerProof: ownerProofOf(records, context.signer) };
  const statements = replaceNameStatements(context.db, entry, context.nowSeconds, proof, current.version ?? 0);
  await writeAudited(context, statements, {
    action: "name.patch",
    domain: domain.name,
    subject: name,
    detail: { fields: Object.keys(patch) },
  });
  await context.answers.forget(entry.node);
  return toNameView(entry);
}

/** Deletes `name` and its records, with its audit row. */
export async function deleteName(context: WriteContext, domain: ServedDomain, name: string, nonce?: number): Promise<void> {
  const node = namehash(name);
  if (!(await findNameWithRecords(context.db, node))) throw new NameNotFoundError(name);
  await writeAudited(context, deleteNameStatements(context.db, node, name, context.nowSeconds, nonce), {
    action: "name.delete",
    domain: domain.name,
    subject: name,
  });
  await context.answers.forget(node);
}

/** The name and its records; 404 when not registered. */
export async function getName(db: Database, name: string): Promise<NameView> {
  assertNormalizedName(name);
  const entry = await findNameWithRecords(db, namehash(name));
  if (!entry) throw new NameNotFoundError(name);
  return toNameView(entry);
}

/** What an audit row says about a change (who and when come from the write context). */
export type AuditEntry = { action: string; domain: string; subject: string; detail?: unknown };

/** A change's statements followed by its audit row: run them in one batch, so both commit or neither. */
export function auditedStatements(context: Pick<WriteContext, "db" | "actor" | "nowSeconds">, statements: Statement[], audit: AuditEntry): Statement[] {
  const row = auditInsert(context.db, {
    atSeconds: context.nowSeconds,
    actor: context.actor,
    action: audit.action,
    domain: audit.domain,
    subject: audit.subject,
    detail: audit.detail === undefined ? null : JSON.stringify(audit.detail),
  });
  return [...statements, row];
}

/** One audited change: the statements and the audit row commit together or not at all. */
export async function writeAudited(context: Pick<WriteContext, "db" | "actor" | "nowSeconds">, statements: Statement[], audit: AuditEntry): Promise<void> {
  try {
    await runBatch(context.db, auditedStatements(context, statements, audit));
  } catch (error) {
    throw explainWriteFailure(error, audit.subject);
  }
}

/** A write batch's failure as the client's error when a schema trigger refused it; else unchanged. */
export function explainWriteFailure(error: unknown, name: string): unknown {
  if (isTriggerAbort(error, "stale nonce")) return new StaleNonceError(name);
  if (isTriggerAbort(error, "superseded profile")) return new SupersededProfileError(name);
  return error;
}

function mergeEntries<Value>(current: Record<string, Value>, patch: Record<string, Value | null> | undefined): Record<string, Value> {
  const merged = { ...current };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}
