import { and, asc, eq, gt, gte, inArray, lt, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Hex } from "viem";
import type { Database } from "./client";
import { addressRecords, type NameRow, names, textRecords } from "./schema";

/** A name with all its records, as written in one atomic replace. */
export type NameWithRecords = {
  node: Hex;
  name: string;
  domain: string;
  ownerAddress: string;
  contenthash: Hex | null;
  texts: Record<string, string>;
  /** Coin type (decimal) → address bytes (0x-hex). */
  addresses: Record<string, Hex>;
  /** The stored version (absent for a name not read from D1). */
  version?: number;
};

/** A statement that can go into a D1 batch (one transaction). */
export type Statement = BatchItem<"sqlite">;

/** D1 binds at most 100 parameters per statement: multi-row inserts and IN lists are chunked. */
const MAX_BOUND_PARAMETERS = 100;

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

/** The text record `key` of `node`, or undefined when unset. */
export async function findTextRecord(db: Database, node: Hex, key: string): Promise<string | undefined> {
  const row = await db
    .select({ value: textRecords.value })
    .from(textRecords)
    .where(and(eq(textRecords.node, node), eq(textRecords.key, key)))
    .get();
  return row?.value;
}

/** The addresses of `node` for the given coin types (only those that are set). */
export async function findAddressRecords(db: Database, node: Hex, coinTypes: number[]): Promise<Map<number, Hex>> {
  const rows = await db
    .select({ coinType: addressRecords.coinType, address: addressRecords.address })
    .from(addressRecords)
    .where(and(eq(addressRecords.node, node), inArray(addressRecords.coinType, coinTypes)))
    .all();
  return new Map(rows.map((row) => [row.coinType, row.address as Hex]));
}

/** The contenthash of `node`, or undefined when unset or the name is unknown. */
export async function findContenthash(db: Database, node: Hex): Promise<Hex | undefined> {
  const row = await db.select({ contenthash: names.contenthash }).from(names).where(eq(names.node, node)).get();
  return (row?.contenthash as Hex | null) ?? undefined;
}

/** The name row of `node` (owner, nonce, times), or undefined. */
export function findNameRow(db: Database, node: Hex): Promise<NameRow | undefined> {
  return db.select().from(names).where(eq(names.node, node)).get();
}

/** A registered name with all its records, or undefined. */
export async function findNameWithRecords(db: Database, node: Hex): Promise<NameWithRecords | undefined> {
  const [entry] = await loadRecords(db, await db.select().from(names).where(eq(names.node, node)).all());
  return entry;
}

/**
 * The statements that create or replace a name and every one of its records; run them in one
 * D1 batch so either all of it is stored or none. `nonce` (user-signed writes only) is checked
 * by the `names_nonce_strictly_increasing` trigger. With `expectedVersion` the name must exist
 * and still be at that version: otherwise the batch fails ({@link isWriteConflict}).
 */
export function replaceNameStatements(
  db: Database,
  entry: NameWithRecords,
  nowSeconds: number,
  options: { nonce?: number; expectedVersion?: number } = {},
): Statement[] {
  const { nonce, expectedVersion } = options;
  const fields = {
    ownerAddress: entry.ownerAddress,
    contenthash: entry.contenthash,
    updatedAtSeconds: nowSeconds,
    ...(nonce === undefined ? {} : { nonce }),
  };
  const nameRow =
    expectedVersion === undefined
      ? db
          .insert(names)
          .values({ node: entry.node, name: entry.name, domain: entry.domain, ...fields, nonce: nonce ?? 0, createdAtSeconds: nowSeconds })
          .onConflictDoUpdate({ target: names.node, set: { ...fields, version: sql`${names.version} + 1` } })
      : // A changed version becomes NULL and fails the NOT NULL constraint; a deleted name leaves
        // nothing to update and the record inserts below fail their foreign key.
        db
          .update(names)
          .set({ ...fields, version: sql`CASE WHEN ${names.version} = ${expectedVersion} THEN ${names.version} + 1 ELSE NULL END` })
          .where(eq(names.node, entry.node));
  const statements: Statement[] = [
    nameRow,
    db.delete(textRecords).where(eq(textRecords.node, entry.node)),
    db.delete(addressRecords).where(eq(addressRecords.node, entry.node)),
  ];
  const texts = Object.entries(entry.texts).map(([key, value]) => ({ node: entry.node, key, value }));
  for (const rows of chunk(texts, Math.floor(MAX_BOUND_PARAMETERS / 3))) statements.push(db.insert(textRecords).values(rows));
  const addresses = Object.entries(entry.addresses).map(([coinType, address]) => ({
    node: entry.node,
    coinType: Number(coinType),
    address,
  }));
  for (const rows of chunk(addresses, Math.floor(MAX_BOUND_PARAMETERS / 3))) statements.push(db.insert(addressRecords).values(rows));
  return statements;
}

/** Whether a failed write batch lost a race with another write ({@link replaceNameStatements}' `expectedVersion`). */
export function isWriteConflict(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++, current = current.cause) {
    if (/NOT NULL constraint failed: names\.version|FOREIGN KEY constraint failed/.test(current.message)) return true;
  }
  return false;
}

/** The statements that delete a name (its records go with it, `ON DELETE CASCADE`). */
export function deleteNameStatements(db: Database, node: Hex, nonce?: number): Statement[] {
  // Bumping the nonce first lets the trigger refuse a replayed signed delete.
  const bump = nonce === undefined ? [] : [db.update(names).set({ nonce }).where(eq(names.node, node))];
  return [...bump, db.delete(names).where(eq(names.node, node))];
}

/** Runs statements as one D1 batch (a transaction). */
export async function runBatch(db: Database, statements: Statement[]): Promise<void> {
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}

/** A page of a domain's names in name order, after `afterName`, optionally by name prefix and owner. */
export function listNameRows(
  db: Database,
  query: { domain: string; prefix?: string; owner?: string; afterName?: string; limit: number },
): Promise<NameRow[]> {
  const conditions = [eq(names.domain, query.domain)];
  if (query.prefix) {
    conditions.push(gte(names.name, query.prefix), lt(names.name, `${query.prefix}\u{10ffff}`));
  }
  if (query.owner) conditions.push(eq(names.ownerAddress, query.owner));
  if (query.afterName) conditions.push(gt(names.name, query.afterName));
  return db
    .select()
    .from(names)
    .where(and(...conditions))
    .orderBy(asc(names.name))
    .limit(query.limit)
    .all();
}

/** A page of the names `owner` owns, across domains, in name order after `afterName`. */
export function listNameRowsByOwner(db: Database, owner: string, limit: number, afterName?: string): Promise<NameRow[]> {
  const where = afterName ? and(eq(names.ownerAddress, owner), gt(names.name, afterName)) : eq(names.ownerAddress, owner);
  return db.select().from(names).where(where).orderBy(asc(names.name)).limit(limit).all();
}

/** Attaches texts and addresses to name rows (two queries for the whole page). */
export async function loadRecords(db: Database, rows: NameRow[]): Promise<NameWithRecords[]> {
  if (rows.length === 0) return [];
  const textRows: (typeof textRecords.$inferSelect)[] = [];
  const addressRows: (typeof addressRecords.$inferSelect)[] = [];
  for (const nodes of chunk(rows.map((row) => row.node), MAX_BOUND_PARAMETERS - 1)) {
    const [texts, addresses] = await db.batch([
      db.select().from(textRecords).where(inArray(textRecords.node, nodes)),
      db.select().from(addressRecords).where(inArray(addressRecords.node, nodes)),
    ]);
    textRows.push(...texts);
    addressRows.push(...addresses);
  }
  const byNode = new Map<string, NameWithRecords>(
    rows.map((row) => [
      row.node,
      {
        node: row.node as Hex,
        name: row.name,
        domain: row.domain,
        ownerAddress: row.ownerAddress,
        contenthash: row.contenthash as Hex | null,
        texts: {},
        addresses: {},
        version: row.version,
      },
    ]),
  );
  for (const text of textRows) {
    const entry = byNode.get(text.node);
    if (entry) entry.texts[text.key] = text.value;
  }
  for (const address of addressRows) {
    const entry = byNode.get(address.node);
    if (entry) entry.addresses[String(address.coinType)] = address.address as Hex;
  }
  return [...byNode.values()];
}
