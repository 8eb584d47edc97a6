import { and, count, eq, type SQL, sql } from "drizzle-orm";
import type { Database, Statement } from "./client";
import { upTo } from "./nameLifecycle";
import { type BridgeUserRow, bridgeConfirmations, bridgeMails, bridgeThreads, bridgeUsers } from "./schema";

/** The virtual user named `name` (its own name or its alias), or undefined. */
export function findBridgeUser(db: Database, name: string): Promise<BridgeUserRow | undefined> {
  return db.select().from(bridgeUsers).where(sql`${bridgeUsers.name} = ${name} OR ${bridgeUsers.alias} = ${name}`).get();
}

/**
 * Stores a new virtual user if `codeHash` is still its pending code, and spends the code, in one
 * batch; false when the code was spent meanwhile (a second confirmation creates nothing).
 */
export async function insertBridgeUser(db: Database, row: BridgeUserRow, codeHash: string): Promise<boolean> {
  const pending = sql`SELECT 1 FROM ${bridgeConfirmations} WHERE ${bridgeConfirmations.name} = ${row.name} AND ${bridgeConfirmations.codeHash} = ${codeHash}`;
  const [inserted] = await db.batch([
    db
      .insert(bridgeUsers)
      .select(
        sql`SELECT ${row.name}, ${row.sealedEmail}, ${row.sealedKeys}, ${row.alias}, ${row.status}, ${row.statusReason}, ${row.createdAtMs}, ${row.updatedAtMs} WHERE EXISTS (${pending})`,
      )
      .onConflictDoNothing()
      .returning({ name: bridgeUsers.name }),
    db.delete(bridgeConfirmations).where(and(eq(bridgeConfirmations.name, row.name), eq(bridgeConfirmations.codeHash, codeHash))),
  ]);
  return inserted.length === 1;
}

/** Marks a virtual user's address undeliverable (delivery stops) with the reason. */
export async function markBridgeUserUndeliverable(db: Database, name: string, reason: string, nowMs: number): Promise<void> {
  await db.update(bridgeUsers).set({ status: "undeliverable", statusReason: reason, updatedAtMs: nowMs }).where(eq(bridgeUsers.name, name));
}

/** Forgets a virtual user in one batch: its row, pending mail, threads and any pending confirmation. */
export async function deleteBridgeUser(db: Database, name: string): Promise<void> {
  await db.batch([
    db.delete(bridgeUsers).where(eq(bridgeUsers.name, name)),
    db.delete(bridgeMails).where(eq(bridgeMails.name, name)),
    db.delete(bridgeThreads).where(eq(bridgeThreads.name, name)),
    db.delete(bridgeConfirmations).where(eq(bridgeConfirmations.name, name)),
  ]);
}

/** Virtual users by status, and mail waiting to go out. */
export async function countBridgeUsers(db: Database): Promise<{ active: number; undeliverable: number; pendingMails: number }> {
  const [byStatus, pending] = await db.batch([
    db.select({ status: bridgeUsers.status, users: count() }).from(bridgeUsers).groupBy(bridgeUsers.status),
    db.select({ mails: count() }).from(bridgeMails),
  ]);
  const of = (status: string) => byStatus.find((row) => row.status === status)?.users ?? 0;
  return { active: of("active"), undeliverable: of("undeliverable"), pendingMails: pending[0]?.mails ?? 0 };
}

/** One page of virtual users (names only: the address is sealed), by name after `after`. */
export function listBridgeUsers(db: Database, after: string, limit: number) {
  return db
    .select({
      name: bridgeUsers.name,
      alias: bridgeUsers.alias,
      status: bridgeUsers.status,
      statusReason: bridgeUsers.statusReason,
      createdAtMs: bridgeUsers.createdAtMs,
    })
    .from(bridgeUsers)
    .where(sql`${bridgeUsers.name} > ${after}`)
    .orderBy(bridgeUsers.name)
    .limit(limit);
}

/**
 * What a bridge forgets when its virtual users' names are deleted or change hands (`names`, a
 * lifecycle subquery): the users, their pending mail and threads; an alias that goes is cleared.
 * A late event only forgets users created before it (`beforeMs`).
 */
export function forgetBridgeUsersStatements(db: Database, names: SQL, beforeMs?: number): Statement[] {
  const gone = and(sql`${bridgeUsers.name} IN ${names}`, upTo(bridgeUsers.createdAtMs, beforeMs));
  const goneNames = sql`(SELECT ${bridgeUsers.name} FROM ${bridgeUsers} WHERE ${gone})`;
  return [
    db.delete(bridgeMails).where(sql`${bridgeMails.name} IN ${goneNames}`),
    db.delete(bridgeThreads).where(sql`${bridgeThreads.name} IN ${goneNames}`),
    db.delete(bridgeUsers).where(gone),
    db.update(bridgeUsers).set({ alias: null }).where(sql`${bridgeUsers.alias} IN ${names}`),
  ];
}

/** Rows with a value not sealed under the secret whose values start with `currentPrefix`. */
const sealedElsewhere = (currentPrefix: string) =>
  sql`(substr(${bridgeUsers.sealedKeys}, 1, ${currentPrefix.length}) <> ${currentPrefix} OR substr(${bridgeUsers.sealedEmail}, 1, ${currentPrefix.length}) <> ${currentPrefix})`;

/** Virtual users with a value sealed under a previous secret (a rotation's work). */
export function listUsersToReseal(db: Database, currentPrefix: string, limit: number) {
  return db
    .select({ name: bridgeUsers.name, sealedEmail: bridgeUsers.sealedEmail, sealedKeys: bridgeUsers.sealedKeys })
    .from(bridgeUsers)
    .where(sealedElsewhere(currentPrefix))
    .limit(limit);
}

/** Counts virtual users still sealed under a previous secret. */
export async function countUsersToReseal(db: Database, currentPrefix: string): Promise<number> {
  const [row] = await db.select({ users: count() }).from(bridgeUsers).where(sealedElsewhere(currentPrefix));
  return row?.users ?? 0;
}

/** Replaces a virtual user's sealed values, unless they changed meanwhile (then false). */
export async function resealBridgeUser(
  db: Database,
  name: string,
  before: { sealedEmail: string; sealedKeys: string },
  after: { sealedEmail: string; sealedKeys: string },
): Promise<boolean> {
  const updated = await db
    .update(bridgeUsers)
    .set(after)
    .where(and(eq(bridgeUsers.name, name), eq(bridgeUsers.sealedEmail, before.sealedEmail), eq(bridgeUsers.sealedKeys, before.sealedKeys)))
    .returning({ name: bridgeUsers.name });
  return updated.length === 1;
}
