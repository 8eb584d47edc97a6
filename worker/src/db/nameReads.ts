import { and, asc, eq, exists, gt, gte, inArray, lt, sql } from "drizzle-orm";
import type { Hex } from "viem";
import { chunk, rowsPerStatement } from "./boundParameters";
import type { Database } from "./client";
import { DM3_PROFILE_TEXT_KEY } from "../protocol/dm3/profile";
import { addressRecords, isAddressNameSql, nameNonces, type NameRow, names, OWNER_PROOF, textRecords } from "./schema";

// Reads of names and their records (the gateway's lookups, the registry's reads, listings).

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

/** The name row of `node` (owner, nonce, times), or undefined. */
export function findNameRow(db: Database, node: Hex): Promise<NameRow | undefined> {
  return db.select().from(names).where(eq(names.node, node)).get();
}

/** A registered name with all its records, or undefined. */
export async function findNameWithRecords(db: Database, node: Hex): Promise<NameWithRecords | undefined> {
  const [entry] = await loadRecords(db, await db.select().from(names).where(eq(names.node, node)).all());
  return entry;
}

/** The last owner-signed nonce of `node` (0 when it never had one), whether or not the name exists now. */
export async function findLastNonce(db: Database, node: Hex): Promise<number> {
  const row = await db.select({ nonce: nameNonces.nonce }).from(nameNonces).where(eq(nameNonces.node, node)).get();
  return row?.nonce ?? 0;
}

/**
 * A page of a domain's names in name order: after `afterName` (cursor paging) or from `offset`
 * (NameStone's paging), optionally by name prefix or exact name, and by owner (`owner` as stored,
 * or any of `owners` in any case).
 */
export function listNameRows(
  db: Database,
  query: { domain: string; prefix?: string; exactName?: string; owner?: string; owners?: string[]; afterName?: string; limit: number; offset?: number },
): Promise<NameRow[]> {
  const conditions = [eq(names.domain, query.domain)];
  if (query.prefix) conditions.push(gte(names.name, query.prefix), lt(names.name, `${query.prefix}\u{10ffff}`));
  if (query.exactName !== undefined) conditions.push(eq(names.name, query.exactName));
  if (query.owner) conditions.push(eq(names.ownerAddress, query.owner));
  if (query.owners?.length) {
    conditions.push(
      inArray(
        sql`lower(${names.ownerAddress})`,
        query.owners.map((owner) => owner.toLowerCase()),
      ),
    );
  }
  if (query.afterName) conditions.push(gt(names.name, query.afterName));
  return db
    .select()
    .from(names)
    .where(and(...conditions))
    .orderBy(asc(names.name))
    .limit(query.limit)
    .offset(query.offset ?? 0)
    .all();
}

/** A page of the names `owner` owns, across domains, in name order after `afterName`. */
export function listNameRowsByOwner(db: Database, owner: string, limit: number, afterName?: string): Promise<NameRow[]> {
  const where = afterName ? and(eq(names.ownerAddress, owner), gt(names.name, afterName)) : eq(names.ownerAddress, owner);
  return db.select().from(names).where(where).orderBy(asc(names.name)).limit(limit).all();
}

/**
 * The name reverse lookups choose for `owner`, among names whose ownership the owner itself proved
 * (`owner_proof` > 0): the strongest proof, then a chosen name (alias) before an address name, then
 * the longest-held, then name order. `withProfile` skips names without a DM3 profile. One walk of
 * `names_proven_owner_idx` in exactly that order: rows nobody proved are not in the range at all.
 */
export function findProvenName(db: Database, owner: string, options: { withProfile: boolean }): Promise<NameRow | undefined> {
  const conditions = [sql`lower(${names.ownerAddress}) = lower(${owner})`, sql`${names.ownerProof} > ${OWNER_PROOF.none}`];
  if (options.withProfile) {
    conditions.push(
      exists(
        db
          .select({ node: textRecords.node })
          .from(textRecords)
          .where(and(eq(textRecords.node, names.node), eq(textRecords.key, DM3_PROFILE_TEXT_KEY))),
      ),
    );
  }
  return db
    .select()
    .from(names)
    .where(and(...conditions))
    .orderBy(sql`${names.ownerProof} DESC`, isAddressNameSql(names.name), names.ownerSinceSeconds, names.name)
    .limit(1)
    .get();
}

/** Up to `limit` names at or under `domain` that another (enclosing) domain holds today. */
export function listNamesHeldByOtherDomains(db: Database, domain: string, limit: number): Promise<{ name: string; domain: string }[]> {
  return db
    .select({ name: names.name, domain: names.domain })
    .from(names)
    .where(and(sql`${names.domain} <> ${domain}`, sql`(${names.name} = ${domain} OR substr(${names.name}, -length(${`.${domain}`})) = ${`.${domain}`})`))
    .orderBy(asc(names.name))
    .limit(limit)
    .all();
}

/** Attaches texts and addresses to name rows (two queries for the whole page). */
export async function loadRecords(db: Database, rows: NameRow[]): Promise<NameWithRecords[]> {
  if (rows.length === 0) return [];
  const textRows: (typeof textRecords.$inferSelect)[] = [];
  const addressRows: (typeof addressRecords.$inferSelect)[] = [];
  for (const nodes of chunk(
    rows.map((row) => row.node),
    rowsPerStatement(1, 1),
  )) {
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
