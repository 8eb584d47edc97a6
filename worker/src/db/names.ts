import { and, asc, eq, exists, gt, gte, inArray, lt, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { Hex } from "viem";
import { chunk, rowsPerStatement } from "./boundParameters";
import type { Database, Statement } from "./client";
import { jsonColumn, jsonList, jsonRows } from "./jsonRows";
import { recordDelete, recordPut, recordPuts } from "./nameChanges";
import { DM3_PROFILE_RECORD_PREFIX, DM3_PROFILE_TEXT_KEY } from "../protocol/dm3/profile";
import {
  addressRecords,
  messages,
  nameNonces,
  type NameRow,
  names,
  OWNER_PROOF,
  isAddressNameSql,
  supersededProfiles,
  textRecords,
  webhookDeliveries,
  spamRules,
  outboundMessages,
} from "./schema";

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
export type { Statement } from "./client";

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

/** A record as the gateway reads it: whether the name exists at all, and the record (undefined when unset). */
export type NamedRecord<Value> = { exists: boolean; value: Value | undefined };

/** {@link findTextRecord}, and whether the name exists — in the same single query. */
export async function findTextRecordOfName(db: Database, node: Hex, key: string): Promise<NamedRecord<string>> {
  const row = await db
    .select({ value: textRecords.value })
    .from(names)
    .leftJoin(textRecords, and(eq(textRecords.node, names.node), eq(textRecords.key, key)))
    .where(eq(names.node, node))
    .get();
  return { exists: row !== undefined, value: row?.value ?? undefined };
}

/** {@link findAddressRecords}, and whether the name exists — in the same single query. */
export async function findAddressRecordsOfName(db: Database, node: Hex, coinTypes: number[]): Promise<NamedRecord<Map<number, Hex>>> {
  const rows = await db
    .select({ coinType: addressRecords.coinType, address: addressRecords.address })
    .from(names)
    .leftJoin(addressRecords, and(eq(addressRecords.node, names.node), inArray(addressRecords.coinType, coinTypes)))
    .where(eq(names.node, node))
    .all();
  const found = rows.flatMap((row) => (row.coinType === null || row.address === null ? [] : [[row.coinType, row.address as Hex] as const]));
  return { exists: rows.length > 0, value: new Map(found) };
}

/** The contenthash of `node` (undefined when unset), and whether the name exists. */
export async function findContenthashOfName(db: Database, node: Hex): Promise<NamedRecord<Hex>> {
  const row = await db.select({ contenthash: names.contenthash }).from(names).where(eq(names.node, node)).get();
  return { exists: row !== undefined, value: (row?.contenthash as Hex | null) ?? undefined };
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

/** What a write knows beyond the records: how the owner proved control, and an owner-signed nonce. */
export type WriteProof = {
  /** {@link OWNER_PROOF} level this write establishes for `entry.ownerAddress`. */
  ownerProof: number;
  /** Owner-signed writes only: checked by the `name_nonces_strictly_increasing` trigger. */
  nonce?: number;
};

/**
 * The statements that create or replace a name and every one of its records; run them in one
 * D1 batch so either all of it is stored or none. With `expectedVersion` the name must exist and
 * still be at that version: otherwise the batch fails ({@link isWriteConflict}).
 *
 * Besides the records, the batch carries what must follow the name's history: the nonce (kept
 * after a delete), the profile it moves away from (refused from then on by a trigger), and — when
 * the owner changes — the removal of the previous owner's cached messages and webhook deliveries.
 */
export function replaceNameStatements(
  db: Database,
  entry: NameWithRecords,
  nowSeconds: number,
  proof: WriteProof = { ownerProof: OWNER_PROOF.none },
  expectedVersion?: number,
): Statement[] {
  const sameOwner = sql`lower(${names.ownerAddress}) = lower(${entry.ownerAddress})`;
  const fields = {
    ownerAddress: entry.ownerAddress,
    contenthash: entry.contenthash,
    updatedAtSeconds: nowSeconds,
    // An owner keeps the strongest proof it gave and its place in line; a new owner starts over.
    ownerProof: sql`CASE WHEN ${sameOwner} THEN max(${names.ownerProof}, ${proof.ownerProof}) ELSE ${proof.ownerProof} END`,
    ownerSinceSeconds: sql`CASE WHEN ${sameOwner} THEN ${names.ownerSinceSeconds} ELSE ${nowSeconds} END`,
  };
  const nameRow =
    expectedVersion === undefined
      ? db
          .insert(names)
          .values({
            node: entry.node,
            name: entry.name,
            domain: entry.domain,
            ownerAddress: entry.ownerAddress,
            contenthash: entry.contenthash,
            ownerProof: proof.ownerProof,
            ownerSinceSeconds: nowSeconds,
            createdAtSeconds: nowSeconds,
            updatedAtSeconds: nowSeconds,
          })
          .onConflictDoUpdate({ target: names.node, set: { ...fields, version: sql`${names.version} + 1` } })
      : // A changed version becomes NULL and fails the NOT NULL constraint; a deleted name leaves
        // nothing to update and the record inserts below fail their foreign key.
        db
          .update(names)
          .set({ ...fields, version: sql`CASE WHEN ${names.version} = ${expectedVersion} THEN ${names.version} + 1 ELSE NULL END` })
          .where(eq(names.node, entry.node));
  const statements: Statement[] = [
    ...nonceStatements(db, entry.node, proof.nonce),
    ...previousOwnerMessagesDeletion(db, entry),
    supersedeProfileStatement(db, entry.node, entry.texts[DM3_PROFILE_TEXT_KEY]),
    nameRow,
    db.delete(textRecords).where(eq(textRecords.node, entry.node)),
    db.delete(addressRecords).where(eq(addressRecords.node, entry.node)),
  ];
  const texts = Object.entries(entry.texts).map(([key, value]) => ({ node: entry.node, key, value }));
  for (const rows of chunk(texts, rowsPerStatement(3))) statements.push(db.insert(textRecords).values(rows));
  const addresses = Object.entries(entry.addresses).map(([coinType, address]) => ({
    node: entry.node,
    coinType: Number(coinType),
    address,
  }));
  for (const rows of chunk(addresses, rowsPerStatement(3))) statements.push(db.insert(addressRecords).values(rows));
  statements.push(recordPut(db, entry.node, nowSeconds));
  return statements;
}

/** Whether a failed write batch lost a race with another write ({@link replaceNameStatements}' `expectedVersion`). */
export function isWriteConflict(error: unknown): boolean {
  return errorChainMatches(error, /NOT NULL constraint failed: names\.version|FOREIGN KEY constraint failed/);
}

/** Whether a failed write batch was aborted by one of the schema's triggers with `message`. */
export function isTriggerAbort(error: unknown, message: "stale nonce" | "superseded profile"): boolean {
  return errorChainMatches(error, new RegExp(message));
}

function errorChainMatches(error: unknown, pattern: RegExp): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++, current = current.cause) {
    if (pattern.test(current.message)) return true;
  }
  return false;
}

/**
 * The statements that delete a name: its records (`ON DELETE CASCADE`), its cached messages,
 * webhook deliveries, spam rules and undelivered outbound messages go with it; its nonce stays, so no old signature brings it back. When the
 * owner itself signed the delete (`nonce` given), its last profile counts as superseded too, so no
 * one re-creates the name with it; a service's delete leaves the profile usable (export, delete,
 * import round-trips).
 */
export function deleteNameStatements(db: Database, node: Hex, name: string, nowSeconds: number, nonce?: number): Statement[] {
  return [
    ...nonceStatements(db, node, nonce),
    db.delete(messages).where(eq(messages.recipient, name)),
    db.delete(webhookDeliveries).where(eq(webhookDeliveries.recipient, name)),
    db.delete(spamRules).where(and(eq(spamRules.kind, "name"), eq(spamRules.subject, name))),
    db.delete(outboundMessages).where(and(eq(outboundMessages.sender, name), eq(outboundMessages.status, "pending"))),
    ...(nonce === undefined ? [] : [supersedeProfileStatement(db, node, undefined)]),
    recordDelete(db, node, nowSeconds),
    db.delete(names).where(eq(names.node, node)),
  ];
}

/** The last owner-signed nonce of `node` (0 when it never had one), whether or not the name exists now. */
export async function findLastNonce(db: Database, node: Hex): Promise<number> {
  const row = await db.select({ nonce: nameNonces.nonce }).from(nameNonces).where(eq(nameNonces.node, node)).get();
  return row?.nonce ?? 0;
}

/** Records an owner-signed nonce; the trigger aborts the batch unless it is above the last one. */
function nonceStatements(db: Database, node: Hex, nonce: number | undefined): Statement[] {
  if (nonce === undefined) return [];
  return [db.insert(nameNonces).values({ node, nonce }).onConflictDoUpdate({ target: nameNonces.node, set: { nonce } })];
}

/** The canonical profile JSON inside a stored `network.dm3.profile` record, in SQL. */
const storedProfileJson = (value: SQLWrapper | string) => sql`json_extract(substr(${value}, ${DM3_PROFILE_RECORD_PREFIX.length + 1}), '$.profile')`;

/** Keeps the name's current profile as superseded unless `nextRecord` carries the same profile. */
function supersedeProfileStatement(db: Database, node: Hex, nextRecord: string | undefined): Statement {
  return supersedeProfilesStatement(db, eq(textRecords.node, node), nextRecord === undefined ? sql`${null}` : storedProfileJson(nextRecord));
}

/** Keeps the current profile of each name matching `names` as superseded unless `nextProfile` (SQL, per row) is the same. */
function supersedeProfilesStatement(db: Database, names: SQL | undefined, nextProfile: SQL): Statement {
  const current = storedProfileJson(textRecords.value);
  return db
    .insert(supersededProfiles)
    .select(
      db
        .select({ node: textRecords.node, profile: sql<string>`${current}`.as("profile") })
        .from(textRecords)
        .where(and(names, eq(textRecords.key, DM3_PROFILE_TEXT_KEY), sql`${current} IS NOT ${nextProfile}`)),
    )
    .onConflictDoNothing();
}

/** When `entry` gives the name a new owner, the previous owner's messages must not reach them. */
function previousOwnerMessagesDeletion(db: Database, entry: NameWithRecords): Statement[] {
  const ownerChanges = exists(
    db
      .select({ node: names.node })
      .from(names)
      .where(and(eq(names.node, entry.node), sql`lower(${names.ownerAddress}) <> lower(${entry.ownerAddress})`)),
  );
  return [
    db.delete(messages).where(and(eq(messages.recipient, entry.name), ownerChanges)),
    db.delete(webhookDeliveries).where(and(eq(webhookDeliveries.recipient, entry.name), ownerChanges)),
    db.delete(spamRules).where(and(eq(spamRules.kind, "name"), eq(spamRules.subject, entry.name), ownerChanges)),
    db.delete(outboundMessages).where(and(eq(outboundMessages.sender, entry.name), eq(outboundMessages.status, "pending"), ownerChanges)),
  ];
}

/** Runs statements as one D1 batch (a transaction). */
export async function runBatch(db: Database, statements: Statement[]): Promise<void> {
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}

/** A page of a domain's names in name order, after `afterName`, optionally by name prefix and owner. */
export function listNameRows(db: Database, query: { domain: string; prefix?: string; owner?: string; afterName?: string; limit: number }): Promise<NameRow[]> {
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

/**
 * {@link replaceNameStatements} for many names at once (a bulk import): the same changes, in the
 * same order, as set-based statements over the whole request — each list (names, texts,
 * addresses) bound as one JSON parameter, so a thousand names take about a dozen statements.
 * Run them in one batch; if it fails, fall back to one name at a time to find the culprit. (No
 * nonces and no version checks: bulk writes are a service's.) `upserts` are the indexes of the
 * names upserts, whose results list `{ node, version }` of every name written.
 */
export function replaceManyNamesStatements(
  db: Database,
  items: { entry: NameWithRecords; ownerProof: number }[],
  nowSeconds: number,
): { statements: Statement[]; upserts: number[] } {
  const statements: Statement[] = [];
  // Previous owners' messages, deliveries, rules and outbound messages go when a name changes hands.
  const owners = jsonRows(items.map(({ entry }) => [entry.node, entry.ownerAddress]));
  const changedHands = sql`SELECT n.name FROM ${names} n JOIN ${owners} ON n.node = ${jsonColumn(0)} WHERE lower(n.owner_address) <> lower(${jsonColumn(1)})`;
  statements.push(
    db.delete(messages).where(sql`${messages.recipient} IN (${changedHands})`),
    db.delete(webhookDeliveries).where(sql`${webhookDeliveries.recipient} IN (${changedHands})`),
    db.delete(spamRules).where(and(eq(spamRules.kind, "name"), sql`${spamRules.subject} IN (${changedHands})`)),
    db.delete(outboundMessages).where(and(eq(outboundMessages.status, "pending"), sql`${outboundMessages.sender} IN (${changedHands})`)),
  );
  // The profiles names move away from stay refused (the trigger on text_records checks them).
  const nextProfiles = jsonRows(items.map(({ entry }) => [entry.node, entry.texts[DM3_PROFILE_TEXT_KEY] ?? null]));
  const nextProfile = sql`(SELECT ${storedProfileJson(jsonColumn(1))} FROM ${nextProfiles} WHERE ${jsonColumn(0)} = ${textRecords.node})`;
  const nodes = items.map(({ entry }) => entry.node);
  const written = jsonList(nodes);
  statements.push(supersedeProfilesStatement(db, sql`${textRecords.node} IN ${written}`, nextProfile));
  const sameOwner = sql`lower(${names.ownerAddress}) = lower(excluded.owner_address)`;
  const rows = jsonRows(items.map(({ entry, ownerProof }) => [entry.node, entry.name, entry.domain, entry.ownerAddress, entry.contenthash, ownerProof]));
  const upserts = [statements.length];
  statements.push(
    db
      .insert(names)
      .select(
        db
          .select({
            node: sql<string>`${jsonColumn(0)}`.as("node"),
            name: sql<string>`${jsonColumn(1)}`.as("name"),
            domain: sql<string>`${jsonColumn(2)}`.as("domain"),
            ownerAddress: sql<string>`${jsonColumn(3)}`.as("owner_address"),
            contenthash: sql<string | null>`${jsonColumn(4)}`.as("contenthash"),
            ownerProof: sql<number>`${jsonColumn(5)}`.as("owner_proof"),
            ownerSinceSeconds: sql<number>`${nowSeconds}`.as("owner_since"),
            version: sql<number>`0`.as("version"),
            createdAtSeconds: sql<number>`${nowSeconds}`.as("created_at"),
            updatedAtSeconds: sql<number>`${nowSeconds}`.as("updated_at"),
          })
          .from(rows)
          // SQLite reads `ON CONFLICT` after a bare FROM as a join constraint; a WHERE ends the SELECT.
          .where(sql`true`),
      )
      .onConflictDoUpdate({
        target: names.node,
        set: {
          ownerAddress: sql`excluded.owner_address`,
          contenthash: sql`excluded.contenthash`,
          updatedAtSeconds: sql`excluded.updated_at`,
          ownerProof: sql`CASE WHEN ${sameOwner} THEN max(${names.ownerProof}, excluded.owner_proof) ELSE excluded.owner_proof END`,
          ownerSinceSeconds: sql`CASE WHEN ${sameOwner} THEN ${names.ownerSinceSeconds} ELSE excluded.owner_since END`,
          version: sql`${names.version} + 1`,
        },
      })
      // A name that existed comes back with version > 0: only those can have cached answers.
      .returning({ node: names.node, version: names.version }),
  );
  statements.push(
    db.delete(textRecords).where(sql`${textRecords.node} IN ${written}`),
    db.delete(addressRecords).where(sql`${addressRecords.node} IN ${written}`),
  );
  const texts = items.flatMap(({ entry }) => Object.entries(entry.texts).map(([key, value]) => [entry.node, key, value]));
  if (texts.length > 0) {
    statements.push(
      db.insert(textRecords).select(
        db
          .select({
            node: sql<string>`${jsonColumn(0)}`.as("node"),
            key: sql<string>`${jsonColumn(1)}`.as("key"),
            value: sql<string>`${jsonColumn(2)}`.as("value"),
          })
          .from(jsonRows(texts)),
      ),
    );
  }
  const addresses = items.flatMap(({ entry }) => Object.entries(entry.addresses).map(([coinType, address]) => [entry.node, Number(coinType), address]));
  if (addresses.length > 0) {
    statements.push(
      db.insert(addressRecords).select(
        db
          .select({
            node: sql<string>`${jsonColumn(0)}`.as("node"),
            coinType: sql<number>`${jsonColumn(1)}`.as("coin_type"),
            address: sql<string>`${jsonColumn(2)}`.as("address"),
          })
          .from(jsonRows(addresses)),
      ),
    );
  }
  statements.push(recordPuts(db, nodes, nowSeconds));
  return { statements, upserts };
}
