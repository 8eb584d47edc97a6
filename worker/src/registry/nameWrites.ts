import type { Address, Hex } from "viem";
import { namehash } from "viem/ens";
import { findNameWithRecords } from "../db/nameReads";
import { deliverNameEvents, type NameLifecycle } from "../db/nameLifecycle";
import { deleteNameStatements, isNameTaken, isWriteConflict, replaceNameStatements } from "../db/nameWrites";
import { validate } from "../http/validate";
import { verifySignedUserProfile } from "../protocol/dm3/profile";
import { ETH_COIN_TYPE } from "../protocol/ens/coinTypes";
import type { AnswerInvalidation } from "../shared/answerCache";
import type { ServedDomain } from "../shared/servedDomains";
import type { NameView } from "./apiTypes";
import { ConflictError, NameNotFoundError, NameTakenError } from "./errors";
import { type NamePatch, type NameRecords, NameRecordsSchema } from "./schemas";
import { ownerProofOf, toNameView, toStoredName } from "./storedName";
import { type AuditedWrite, writeAudited } from "./writeAudited";

/**
 * A write to a domain's names: where (`db`, the names' database), who and when (audited), the
 * answers to make fresh, and the features listening to names' lifecycle. `signer` is the address
 * whose own signature authorized the write (owner-signed writes, dm3's sign-up route), if any.
 */
export type NameWriteContext = AuditedWrite & { nowMs: number; answers: AnswerInvalidation; lifecycle: NameLifecycle; signer?: Address };

/**
 * After a name write commits: the next lookups of the written names are answered fresh, and the
 * lifecycle's events reach listeners in other databases. A failed hand-over is not the write's
 * failure (the events are stored with it; the cron delivers them), so it is logged, not thrown.
 */
export async function afterNameWrite(context: NameWriteContext, nodes: readonly Hex[]): Promise<void> {
  await context.answers.forget(nodes);
  await deliverNameEvents(context.db, context.lifecycle).catch((error: unknown) => {
    console.error("name lifecycle events not delivered yet (the cron retries):", error instanceof Error ? error.message : String(error));
  });
}

/** Creates or replaces `name` with exactly `records`, atomically, with its audit row. */
export async function putName(context: NameWriteContext, domain: ServedDomain, name: string, records: NameRecords, nonce?: number): Promise<NameView> {
  const entry = await toStoredName(domain, name, records);
  const proof = { ownerProof: ownerProofOf(records, context.signer), ...(nonce === undefined ? {} : { nonce }) };
  const statements = replaceNameStatements(context.db, entry, { ...context, proof });
  await writeAudited(context, statements, { action: "name.put", domain: domain.name, subject: name, detail: { owner: records.owner } });
  await afterNameWrite(context, [entry.node]);
  return toNameView(entry);
}

/** Creates `name` with `records` only if it does not exist yet (409 when it does), atomically, with its audit row. */
export async function claimName(context: NameWriteContext, domain: ServedDomain, name: string, records: NameRecords): Promise<NameView> {
  const entry = await toStoredName(domain, name, records);
  const statements = replaceNameStatements(context.db, entry, { ...context, proof: { ownerProof: ownerProofOf(records, context.signer) }, createOnly: true });
  try {
    await writeAudited(context, statements, { action: "name.put", domain: domain.name, subject: name, detail: { owner: records.owner, claim: true } });
  } catch (error) {
    if (isNameTaken(error)) throw new NameTakenError(name);
    throw error;
  }
  await afterNameWrite(context, [entry.node]);
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
export async function patchName(context: NameWriteContext, domain: ServedDomain, name: string, patch: NamePatch): Promise<NameView> {
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

async function patchOnce(context: NameWriteContext, domain: ServedDomain, name: string, patch: NamePatch): Promise<NameView> {
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
  const statements = replaceNameStatements(context.db, entry, {
    ...context,
    proof: { ownerProof: ownerProofOf(records, context.signer) },
    expectedVersion: current.version ?? 0,
  });
  await writeAudited(context, statements, { action: "name.patch", domain: domain.name, subject: name, detail: { fields: Object.keys(patch) } });
  await afterNameWrite(context, [entry.node]);
  return toNameView(entry);
}

/**
 * Deletes `name` and its records, with its audit row. Its last DM3 profile counts as superseded
 * when the owner signed the delete (`nonce`) or the caller says so (a bridge deleting its user).
 */
export async function deleteName(
  context: NameWriteContext,
  domain: ServedDomain,
  name: string,
  nonce?: number,
  supersedeProfile = nonce !== undefined,
): Promise<void> {
  const node = namehash(name);
  if (!(await findNameWithRecords(context.db, node))) throw new NameNotFoundError(name);
  const statements = deleteNameStatements(context.db, { node, name }, { ...context, nonce, supersedeProfile });
  await writeAudited(context, statements, { action: "name.delete", domain: domain.name, subject: name });
  await afterNameWrite(context, [node]);
}

function mergeEntries<Value>(current: Record<string, Value>, patch: Record<string, Value | null> | undefined): Record<string, Value> {
  const merged = { ...current };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}
