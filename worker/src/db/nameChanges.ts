import { and, asc, eq, gt, type SQL, sql } from "drizzle-orm";
import type { Hex } from "viem";
import type { Database, Statement } from "./client";
import { jsonList } from "./jsonRows";
import { addressRecords, type NameChangeRow, nameChanges, names, textRecords } from "./schema";

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

/** Up to `limit` changes after `afterSeq`, in commit order, optionally of one domain. */
export function listNameChanges(db: Database, query: { afterSeq: number; limit: number; domain?: string | undefined }): Promise<NameChangeRow[]> {
  const after = gt(nameChanges.seq, query.afterSeq);
  return db
    .select()
    .from(nameChanges)
    .where(query.domain === undefined ? after : and(eq(nameChanges.domain, query.domain), after))
    .orderBy(asc(nameChanges.seq))
    .limit(query.limit)
    .all();
}
