import { and, asc, eq, exists, gt, inArray, lte, max, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Hex } from "viem";
import type { Database, Statement } from "./client";
import { jsonList } from "./jsonRows";
import { addressRecords, type NameChangeRow, nameChanges, nameChangesHorizon, names, textRecords } from "./schema";

/** A name's public state as the feed stores it (`record`): what an indexer needs to rebuild the name. */
export type ChangeRecord = { owner: string; contenthash: string | null; texts: Record<string, string>; addresses: Record<string, string> };

/** Feed rows of `kind` for each name matching `which`, as the names are at this point of the batch. */
function changeRows(db: Database, which: SQL, atSeconds: number, kind: "put" | "delete", record: SQL): Statement {
  return db.insert(nameChanges).select(
    db
      .select({
        // NULL into an INTEGER PRIMARY KEY takes the next sequence number.
        seq: sql<number>`NULL`.as("seq"),
        atSeconds: sql<number>`${atSeconds}`.as("at"),
        domain: names.domain,
        name: names.name,
        node: names.node,
        kind: sql<typeof kind>`${kind}`.as("kind"),
        record: sql<string | null>`${record}`.as("record"),
      })
      .from(names)
      .where(which),
  );
}

/** A put's state: owner, contenthash and every record (json() keeps the sub-objects JSON, not text). */
function currentRecord(): SQL {
  const texts = sql`json((SELECT json_group_object(${textRecords.key}, ${textRecords.value}) FROM ${textRecords} WHERE ${textRecords.node} = ${names.node}))`;
  const addresses = sql`json((SELECT json_group_object(${addressRecords.coinType}, ${addressRecords.address}) FROM ${addressRecords} WHERE ${addressRecords.node} = ${names.node}))`;
  return sql`json_object('owner', ${names.ownerAddress}, 'contenthash', ${names.contenthash}, 'texts', ${texts}, 'addresses', ${addresses})`;
}

/** The feed row of a name just created or replaced: the last statement of its write's batch. */
export function recordPut(db: Database, node: Hex, atSeconds: number): Statement {
  return changeRows(db, eq(names.node, node), atSeconds, "put", currentRecord());
}

/** The feed rows of many names just written (a bulk import): one statement, one bound list. */
export function recordPuts(db: Database, nodes: Hex[], atSeconds: number): Statement {
  return changeRows(db, sql`${names.node} IN ${jsonList(nodes)}`, atSeconds, "put", currentRecord());
}

/** The feed row of a delete, only if the name exists: put it before the statement that deletes it. */
export function recordDelete(db: Database, node: Hex, atSeconds: number): Statement {
  return changeRows(db, eq(names.node, node), atSeconds, "delete", sql`NULL`);
}

/** How far a database's feed is folded (see {@link compactNameChanges}); 0 and 0 before its first compaction. */
export type ChangesHorizon = { horizon: number; generation: number };

/**
 * Up to `limit` changes after `afterSeq`, in commit order, optionally of one domain, with the
 * feed's horizon read in the same transaction (so the page and the horizon agree).
 */
export async function listNameChanges(
  db: Database,
  query: { afterSeq: number; limit: number; domain?: string | undefined },
): Promise<{ rows: NameChangeRow[]; horizon: ChangesHorizon }> {
  const after = gt(nameChanges.seq, query.afterSeq);
  const [horizons, rows] = await db.batch([
    db.select({ horizon: nameChangesHorizon.horizon, generation: nameChangesHorizon.generation }).from(nameChangesHorizon).limit(1),
    db
      .select()
      .from(nameChanges)
      .where(query.domain === undefined ? after : and(eq(nameChanges.domain, query.domain), after))
      .orderBy(asc(nameChanges.seq))
      .limit(query.limit),
  ]);
  return { rows, horizon: horizons[0] ?? { horizon: 0, generation: 0 } };
}

/**
 * Folds the feed's history older than `cutoffSeconds`, at most `maxRows` rows past the current
 * horizon per call: of those rows (and of older ones about the same names) every row a later row
 * of its name supersedes goes, and every delete, so what stays is one put per name still alive —
 * following the feed from the beginning still rebuilds every name. Runs only when the oldest
 * unfolded row is older than `cutoffSeconds - slackSeconds` (so compactions, and the cursor
 * expiries they cause, come at most about once per slack). The fold and the new horizon and
 * generation are one transaction.
 *
 * @returns the rows removed and the new horizon, or undefined when there was nothing to fold.
 */
export async function compactNameChanges(
  db: Database,
  options: { cutoffSeconds: number; slackSeconds: number; maxRows: number; nowSeconds: number },
): Promise<{ removed: number; horizon: number } | undefined> {
  const current = await db.select({ horizon: nameChangesHorizon.horizon }).from(nameChangesHorizon).limit(1).get();
  const from = current?.horizon ?? 0;
  // Every read below is a range of the primary key past the horizon: no scan of the whole feed.
  const range = and(gt(nameChanges.seq, from), lte(nameChanges.seq, from + options.maxRows));
  const bounds = await db
    .select({
      oldestAt: sql<
        number | null
      >`(SELECT ${nameChanges.atSeconds} FROM ${nameChanges} WHERE ${nameChanges.seq} > ${from} ORDER BY ${nameChanges.seq} LIMIT 1)`,
      firstRecent: sql<number | null>`min(CASE WHEN ${nameChanges.atSeconds} >= ${options.cutoffSeconds} THEN ${nameChanges.seq} END)`,
      last: max(nameChanges.seq),
    })
    .from(nameChanges)
    .where(range)
    .get();
  if (!bounds || bounds.oldestAt === null || bounds.last === null || bounds.oldestAt >= options.cutoffSeconds - options.slackSeconds) return undefined;
  // Everything up to the first row inside the window, at most maxRows past the horizon.
  const to = bounds.firstRecent === null ? bounds.last : bounds.firstRecent - 1;
  if (to <= from) return undefined;

  const later = alias(nameChanges, "later");
  const folded = alias(nameChanges, "folded");
  const superseded = exists(
    db
      .select({ one: sql`1` })
      .from(later)
      .where(and(eq(later.node, nameChanges.node), gt(later.seq, nameChanges.seq))),
  );
  const foldable = or(eq(nameChanges.kind, "delete"), superseded);
  const namesInRange = db
    .select({ node: folded.node })
    .from(folded)
    .where(and(gt(folded.seq, from), lte(folded.seq, to)));
  const [olderFolded, newlyFolded] = await db.batch([
    // First the already folded puts of the names the new rows touch (found by the node index;
    // while the new rows still stand, a later delete still supersedes them) …
    db.delete(nameChanges).where(and(inArray(nameChanges.node, namesInRange), lte(nameChanges.seq, from), foldable)),
    // … then the new rows themselves.
    db.delete(nameChanges).where(and(gt(nameChanges.seq, from), lte(nameChanges.seq, to), foldable)),
    db
      .insert(nameChangesHorizon)
      .values({ id: 1, horizon: to, generation: 1, compactedAtSeconds: options.nowSeconds })
      .onConflictDoUpdate({
        target: nameChangesHorizon.id,
        set: {
          horizon: sql`max(${nameChangesHorizon.horizon}, ${to})`,
          generation: sql`${nameChangesHorizon.generation} + 1`,
          compactedAtSeconds: options.nowSeconds,
        },
      }),
  ]);
  const changes = (result: unknown) => (result as D1Result).meta.changes;
  return { removed: changes(olderFolded) + changes(newlyFolded), horizon: to };
}
