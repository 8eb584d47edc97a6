import { and, eq, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Hex } from "viem";
import type { Database } from "./client";
import { addressRecords, names, textRecords } from "./schema";

/** A name with all its records, as written in one atomic replace. */
export type NameWithRecords = {
  node: Hex;
  name: string;
  domain: string;
  ownerAddress: string;
  contenthash: Hex | null;
  texts: Record<string, string>;
  /** Coin type → address bytes (0x-hex). */
  addresses: Record<string, Hex>;
};

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

/**
 * Creates or replaces a name and every one of its records in one D1 batch (a transaction):
 * either all of it is stored or none.
 */
export async function replaceName(db: Database, entry: NameWithRecords, nowSeconds: number): Promise<void> {
  const statements: [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]] = [
    db
      .insert(names)
      .values({
        node: entry.node,
        name: entry.name,
        domain: entry.domain,
        ownerAddress: entry.ownerAddress,
        contenthash: entry.contenthash,
        createdAtSeconds: nowSeconds,
        updatedAtSeconds: nowSeconds,
      })
      .onConflictDoUpdate({
        target: names.node,
        set: {
          ownerAddress: entry.ownerAddress,
          contenthash: entry.contenthash,
          updatedAtSeconds: nowSeconds,
        },
      }),
    db.delete(textRecords).where(eq(textRecords.node, entry.node)),
    db.delete(addressRecords).where(eq(addressRecords.node, entry.node)),
  ];
  for (const [key, value] of Object.entries(entry.texts)) {
    statements.push(db.insert(textRecords).values({ node: entry.node, key, value }));
  }
  for (const [coinType, address] of Object.entries(entry.addresses)) {
    statements.push(db.insert(addressRecords).values({ node: entry.node, coinType: Number(coinType), address }));
  }
  await db.batch(statements);
}

/** A registered name with all its records, or undefined. */
export async function findNameWithRecords(db: Database, node: Hex): Promise<NameWithRecords | undefined> {
  const [nameRows, textRows, addressRows] = await db.batch([
    db.select().from(names).where(eq(names.node, node)),
    db.select().from(textRecords).where(eq(textRecords.node, node)),
    db.select().from(addressRecords).where(eq(addressRecords.node, node)),
  ]);
  const row = nameRows[0];
  if (!row) return undefined;
  return {
    node: row.node as Hex,
    name: row.name,
    domain: row.domain,
    ownerAddress: row.ownerAddress,
    contenthash: row.contenthash as Hex | null,
    texts: Object.fromEntries(textRows.map((text) => [text.key, text.value])),
    addresses: Object.fromEntries(addressRows.map((address) => [String(address.coinType), address.address as Hex])),
  };
}
