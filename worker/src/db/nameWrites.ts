import { and, eq, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { Hex } from "viem";
import { chunk, rowsPerStatement } from "./boundParameters";
import type { Database, Statement } from "./client";
import { jsonColumn, jsonList, jsonRows } from "./jsonRows";
import { recordDelete, recordPut, recordPuts } from "./nameChanges";
import { announceNameEvent, type NameLifecycle, oneName } from "./nameLifecycle";
import type { NameWithRecords } from "./nameReads";
import { DM3_PROFILE_RECORD_PREFIX, DM3_PROFILE_TEXT_KEY } from "../protocol/dm3/profile";
import { addressRecords, nameNonces, names, OWNER_PROOF, supersededProfiles, textRecords } from "./schema";

// Writes of names: each builds the statements of one D1 batch (a transaction), with what must
// follow a name's history (nonces, superseded profiles, the change feed) and what the features
// listening to its lifecycle contribute.

/** A statement that can go into a D1 batch (one transaction). */
export type { Statement } from "./client";

/** What a write knows beyond the records: how the owner proved control, and an owner-signed nonce. */
export type WriteProof = {
  /** {@link OWNER_PROOF} level this write establishes for `entry.ownerAddress`. */
  ownerProof: number;
  /** Owner-signed writes only: checked by the `name_nonces_strictly_increasing` trigger. */
  nonce?: number;
};

/** What every name write carries: when it happens (seconds for rows, ms for the lifecycle's events), and who listens to names' lifecycle. */
export type NameWrite = { nowSeconds: number; nowMs: number; lifecycle: NameLifecycle };

/**
 * The statements that create or replace a name and every one of its records; run them in one
 * D1 batch so either all of it is stored or none. With `expectedVersion` the name must exist and
 * still be at that version: otherwise the batch fails ({@link isWriteConflict}); with `createOnly`
 * it must not exist yet: otherwise the batch fails ({@link isNameTaken}).
 *
 * Besides the records, the batch carries what must follow the name's history: the nonce (kept
 * after a delete), the profile it moves away from (refused from then on by a trigger), the change
 * feed's entry, and — when the owner changes — what the lifecycle's listeners contribute.
 */
export function replaceNameStatements(
  db: Database,
  entry: NameWithRecords,
  write: NameWrite & { proof?: WriteProof; expectedVersion?: number; createOnly?: boolean },
): Statement[] {
  const { nowSeconds, lifecycle, proof = { ownerProof: OWNER_PROOF.none }, expectedVersion } = write;
  const sameOwner = sql`lower(${names.ownerAddress}) = lower(${entry.ownerAddress})`;
  const fields = {
    ownerAddress: entry.ownerAddress,
    contenthash: entry.contenthash,
    updatedAtSeconds: nowSeconds,
    // An owner keeps the strongest proof it gave and its place in line; a new owner starts over.
    ownerProof: sql`CASE WHEN ${sameOwner} THEN max(${names.ownerProof}, ${proof.ownerProof}) ELSE ${proof.ownerProof} END`,
    ownerSinceSeconds: sql`CASE WHEN ${sameOwner} THEN ${names.ownerSinceSeconds} ELSE ${nowSeconds} END`,
  };
  const insertName = db.insert(names).values({
    node: entry.node,
    name: entry.name,
    domain: entry.domain,
    ownerAddress: entry.ownerAddress,
    contenthash: entry.contenthash,
    ownerProof: proof.ownerProof,
    ownerSinceSeconds: nowSeconds,
    createdAtSeconds: nowSeconds,
    updatedAtSeconds: nowSeconds,
  });
  const nameRow =
    expectedVersion !== undefined
      ? // A changed version becomes NULL and fails the NOT NULL constraint; a deleted name leaves
        // nothing to update and the record inserts below fail their foreign key.
        db
          .update(names)
          .set({ ...fields, version: sql`CASE WHEN ${names.version} = ${expectedVersion} THEN ${names.version} + 1 ELSE NULL END` })
          .where(eq(names.node, entry.node))
      : write.createOnly
        ? // An existing name fails the primary key, and the whole batch with it.
          insertName
        : insertName.onConflictDoUpdate({ target: names.node, set: { ...fields, version: sql`${names.version} + 1` } });
  const statements: Statement[] = [
    ...nonceStatements(db, entry.node, proof.nonce),
    ...announceNameEvent(lifecycle, db, "owner_changed", nameChangingHands(db, entry), write.nowMs),
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

/** Whether a `createOnly` write found the name already there ({@link replaceNameStatements}). */
export function isNameTaken(error: unknown): boolean {
  // The node is the primary key and the name unique: SQLite names whichever it checks first.
  return errorChainMatches(error, /UNIQUE constraint failed: names\.(node|name)/);
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
 * The statements that delete a name: its records go with it (`ON DELETE CASCADE`), and what the
 * lifecycle's listeners keep about it; its nonce stays, so no old signature brings it back. When
 * the owner itself signed the delete (`nonce` given) or `supersedeProfile` says so, its last profile
 * counts as superseded too, so no one re-creates the name with it; a service's delete leaves the
 * profile usable (export, delete, import round-trips).
 */
export function deleteNameStatements(
  db: Database,
  name: { node: Hex; name: string },
  write: NameWrite & { nonce?: number; supersedeProfile?: boolean },
): Statement[] {
  const { node } = name;
  return [
    ...nonceStatements(db, node, write.nonce),
    ...announceNameEvent(write.lifecycle, db, "deleted", oneName(name.name), write.nowMs),
    ...((write.supersedeProfile ?? write.nonce !== undefined) ? [supersedeProfileStatement(db, node, undefined)] : []),
    recordDelete(db, node, write.nowSeconds),
    db.delete(names).where(eq(names.node, node)),
  ];
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

/** The name of `entry` if the write gives it a new owner (SQL for a subquery, empty otherwise). */
function nameChangingHands(db: Database, entry: NameWithRecords): SQL {
  const changing = db
    .select({ name: names.name })
    .from(names)
    .where(and(eq(names.node, entry.node), sql`lower(${names.ownerAddress}) <> lower(${entry.ownerAddress})`));
  return sql`(${changing})`;
}

/** Runs statements as one D1 batch (a transaction). */
export async function runBatch(db: Database, statements: Statement[]): Promise<void> {
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
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
  write: NameWrite,
): { statements: Statement[]; upserts: number[] } {
  const { nowSeconds } = write;
  const statements: Statement[] = [];
  // What listeners keep about a name goes when it changes hands.
  const owners = jsonRows(items.map(({ entry }) => [entry.node, entry.ownerAddress]));
  const changedHands = sql`SELECT n.name FROM ${names} n JOIN ${owners} ON n.node = ${jsonColumn(0)} WHERE lower(n.owner_address) <> lower(${jsonColumn(1)})`;
  statements.push(...announceNameEvent(write.lifecycle, db, "owner_changed", sql`(${changedHands})`, write.nowMs));

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
