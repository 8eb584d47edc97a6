import type { Hex } from "viem";
import { statusOfError } from "../http/errorStatus";
import { ProtocolError } from "../protocol/ProtocolError";
import { validate } from "../http/validate";
import { ForbiddenError } from "./errors";
import { auditedStatements, domainOfName, explainWriteFailure, ownerProofOf, toStoredName, type WriteContext } from "./names";
import { NameRecordsSchema } from "./schemas";
import { replaceNameStatements, runBatch, type Statement } from "../db/names";
import type { ServedDomain } from "../shared/servedDomains";

/** What happened to one item of a bulk upsert. */
export type BulkItemResult = { name: string; ok: true } | { name: string; ok: false; code: string; message: string };

/** Names written per D1 batch: each batch is one transaction. */
const NAMES_PER_BATCH = 25;

/**
 * Creates or replaces up to 1,000 names of `domain` (idempotent: the same input twice gives the
 * same state). Every item is checked on its own and reported on its own; one bad item never
 * blocks or corrupts the others. Valid items are written in transactional batches; if a batch
 * fails, its items are retried one by one so only the culprit fails.
 */
export async function bulkUpsert(
  context: WriteContext,
  domains: readonly ServedDomain[],
  domain: ServedDomain,
  items: { name: string }[],
): Promise<{ results: BulkItemResult[]; succeeded: number; failed: number }> {
  const results: BulkItemResult[] = new Array(items.length);
  const ready: { index: number; name: string; node: Hex; statements: Statement[] }[] = [];
  for (const [index, item] of items.entries()) {
    try {
      const { name, ...rest } = item;
      if (domainOfName(domains, name).name !== domain.name) throw new ForbiddenError(`"${name}" is not under ${domain.name}`);
      const records = validate(NameRecordsSchema, rest, "records");
      const entry = await toStoredName(domain, name, records);
      const change = replaceNameStatements(context.db, entry, context.nowSeconds, { ownerProof: ownerProofOf(records, context.signer) });
      const audit = { action: "name.put", domain: domain.name, subject: name, detail: { owner: entry.ownerAddress, bulk: true } };
      ready.push({ index, name, node: entry.node, statements: auditedStatements(context, change, audit) });
    } catch (error) {
      results[index] = failure(item.name, error);
    }
  }
  for (let start = 0; start < ready.length; start += NAMES_PER_BATCH) {
    const group = ready.slice(start, start + NAMES_PER_BATCH);
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
  // Next lookups of the written names are answered fresh.
  await Promise.all(ready.filter((item) => results[item.index]?.ok).map((item) => context.answers.forget(item.node)));
  const succeeded = results.filter((result) => result.ok).length;
  return { results, succeeded, failed: results.length - succeeded };
}

function failure(name: unknown, error: unknown): BulkItemResult {
  const label = typeof name === "string" ? name : String(name);
  if (error instanceof ProtocolError && statusOfError(error) < 500) return { name: label, ok: false, code: error.code, message: error.shortMessage };
  console.error("bulk upsert item failed", label, error);
  return { name: label, ok: false, code: "write_failed", message: "The name could not be stored; retry it" };
}
