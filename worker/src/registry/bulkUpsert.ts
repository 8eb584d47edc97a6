import type { Hex } from "viem";
import { statusOfError } from "../http/errorStatus";
import { ProtocolError } from "../protocol/ProtocolError";
import { validate } from "../http/validate";
import { ForbiddenError } from "./errors";
import { afterNameWrite, type NameWriteContext } from "./nameWrites";
import { domainOfName, ownerProofOf, toStoredName } from "./storedName";
import { explainWriteFailure } from "./writeAudited";
import { NameRecordsSchema } from "./schemas";
import { auditInserts } from "../db/audit";
import type { Statement } from "../db/client";
import type { NameWithRecords } from "../db/nameReads";
import { replaceManyNamesStatements, replaceNameStatements, runBatch } from "../db/nameWrites";
import type { AuditRow } from "../db/schema";
import type { ServedDomain } from "../shared/servedDomains";

/** What happened to one item of a bulk upsert. */
export type BulkItemResult = { name: string; ok: true } | { name: string; ok: false; code: string; message: string };

/** Names written per D1 batch: each batch is one transaction. */
const NAMES_PER_BATCH = 25;

/**
 * Creates or replaces up to 1,000 names of `domain` (idempotent: the same input twice gives the
 * same state). Every item is checked on its own and reported on its own; one bad item never
 * blocks or corrupts the others. Valid items are written in one transaction of set-based
 * statements; if it fails, in transactional batches of {@link NAMES_PER_BATCH}, and a failed
 * batch's items one by one, so only the culprit fails.
 *
 * `allOrNothing`: nothing is written unless every item is valid (the others are reported
 * `not_written`), and the one transaction either lands whole or fails whole (its error thrown).
 */
export async function bulkUpsert(
  context: NameWriteContext,
  domains: readonly ServedDomain[],
  domain: ServedDomain,
  items: { name: string }[],
  options: { allOrNothing?: boolean } = {},
): Promise<{ results: BulkItemResult[]; succeeded: number; failed: number }> {
  const results: BulkItemResult[] = new Array(items.length);
  const ready: ReadyItem[] = [];
  for (const [index, item] of items.entries()) {
    try {
      const { name, ...rest } = item;
      if (domainOfName(domains, name).name !== domain.name) throw new ForbiddenError(`"${name}" is not under ${domain.name}`);
      const records = validate(NameRecordsSchema, rest, "records");
      const entry = await toStoredName(domain, name, records);
      const ownerProof = ownerProofOf(records, context.signer);
      const detail = JSON.stringify({ owner: entry.ownerAddress, bulk: true });
      const audit: AuditRow = { atSeconds: context.nowSeconds, actor: context.actor, action: "name.put", domain: domain.name, subject: name, detail };
      ready.push({ index, name, node: entry.node, entry, ownerProof, audit });
    } catch (error) {
      results[index] = failure(item.name, error);
    }
  }
  if (options.allOrNothing && ready.length < items.length) {
    for (const item of ready)
      results[item.index] = { name: item.name, ok: false, code: "not_written", message: "Not written: another name of the batch was refused" };
    return { results, succeeded: 0, failed: items.length };
  }
  // Fast path: every valid item in one transaction of set-based statements (the last of a name
  // given twice wins, as one at a time would leave it).
  const lastOfEachName = [...new Map(ready.map((item) => [item.node, item])).values()];
  let toForget: Hex[];
  try {
    const { statements, upserts } = replaceManyNamesStatements(context.db, lastOfEachName, context);
    const [first, ...rest] = [
      ...statements,
      ...auditInserts(
        context.db,
        ready.map((item) => item.audit),
      ),
    ];
    const outcomes = first ? ((await context.db.batch([first, ...rest])) as unknown[]) : [];
    for (const item of ready) results[item.index] = { name: item.name, ok: true };
    // Only names that existed before can have cached answers (answers about unknown names are not cached).
    toForget = upserts.flatMap((index) => (outcomes[index] as { node: Hex; version: number }[]).filter((row) => row.version > 0).map((row) => row.node));
  } catch (error) {
    if (options.allOrNothing) throw explainWriteFailure(error, "a name of the batch");
    // Some item is refused (a superseded profile, a race): find it, in small batches and then alone.
    await writeInGroups(context, ready, results);
    toForget = ready.filter((item) => results[item.index]?.ok).map((item) => item.node);
  }
  // Next lookups of the written names are answered fresh; lifecycle events reach other databases.
  await afterNameWrite(context, toForget);
  const succeeded = results.filter((result) => result.ok).length;
  return { results, succeeded, failed: results.length - succeeded };
}

type ReadyItem = { index: number; name: string; node: Hex; entry: NameWithRecords; ownerProof: number; audit: AuditRow };

/** One name's statements, built only when the fast path failed (building them costs as much as running them). */
function statementsOf(context: NameWriteContext, item: ReadyItem): Statement[] {
  return [...replaceNameStatements(context.db, item.entry, { ...context, proof: { ownerProof: item.ownerProof } }), ...auditInserts(context.db, [item.audit])];
}

async function writeInGroups(context: NameWriteContext, ready: ReadyItem[], results: BulkItemResult[]): Promise<void> {
  for (let start = 0; start < ready.length; start += NAMES_PER_BATCH) {
    const group = ready.slice(start, start + NAMES_PER_BATCH).map((item) => ({ ...item, statements: statementsOf(context, item) }));
    try {
      await runBatch(
        context.db,
        group.flatMap((item) => item.statements),
      );
      for (const item of group) results[item.index] = { name: item.name, ok: true };
    } catch {
      for (const item of group) {
        try {
          await runBatch(context.db, item.statements);
          results[item.index] = { name: item.name, ok: true };
        } catch (error) {
          results[item.index] = failure(item.name, explainWriteFailure(error, item.name));
        }
      }
    }
  }
}

function failure(name: unknown, error: unknown): BulkItemResult {
  const label = typeof name === "string" ? name : String(name);
  if (error instanceof ProtocolError && statusOfError(error) < 500) return { name: label, ok: false, code: error.code, message: error.shortMessage };
  console.error("bulk upsert item failed", label, error);
  return { name: label, ok: false, code: "write_failed", message: "The name could not be stored; retry it" };
}
