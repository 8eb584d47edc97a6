import { and, desc, eq, isNotNull, lt, or, type SQL, sql } from "drizzle-orm";
import { rowsPerStatement } from "./boundParameters";
import type { Database } from "./client";
import { upTo } from "./nameLifecycle";
import { type MessageRow, messages, spentChallenges } from "./schema";

/** Stores one envelope for its recipient. */
export async function insertMessage(db: Database, row: MessageRow): Promise<void> {
  await db.insert(messages).values(row);
}

/**
 * Stores one envelope unless its recipient already holds `quota.messages` envelopes or
 * `quota.bytes` bytes of them (one statement: racing submits cannot both take the last place);
 * whether it was stored.
 */
export async function insertMessageWithinQuota(db: Database, row: MessageRow, quota: { messages: number; bytes: number }): Promise<boolean> {
  const held = sql`(SELECT count(*) AS n, coalesce(sum(length(${messages.envelope})), 0) AS bytes FROM ${messages} WHERE ${messages.recipient} = ${row.recipient})`;
  const stored = await db
    .insert(messages)
    .select(
      sql`SELECT ${row.id}, ${row.recipient}, ${row.sender}, ${row.messageHash}, ${row.envelope}, ${row.receivedAtMs}, ${row.expiresAtMs}
          FROM ${held} AS held WHERE held.n < ${quota.messages} AND held.bytes + ${row.envelope.length} <= ${quota.bytes}`,
    )
    .returning({ id: messages.id });
  return stored.length === 1;
}

/** The recipient's cached envelopes, newest first (at most `limit`). */
export function listIncomingMessages(db: Database, recipient: string, limit: number): Promise<MessageRow[]> {
  return db.select().from(messages).where(eq(messages.recipient, recipient)).orderBy(desc(messages.receivedAtMs), desc(messages.id)).limit(limit).all();
}

/** 2 parameters per acknowledgement, plus the recipient. */
const ACKNOWLEDGEMENTS_PER_STATEMENT = rowsPerStatement(2, 1);

/** Deletes the recipient's messages matching any `(sender, messageHash)`, in one batch; returns how many went. */
export async function deleteAcknowledgedMessages(
  db: Database,
  recipient: string,
  acknowledgements: { sender: string; messageHash: string }[],
): Promise<number> {
  const statements = [];
  for (let start = 0; start < acknowledgements.length; start += ACKNOWLEDGEMENTS_PER_STATEMENT) {
    const matches = acknowledgements
      .slice(start, start + ACKNOWLEDGEMENTS_PER_STATEMENT)
      .map((ack) => and(eq(messages.sender, ack.sender), eq(messages.messageHash, ack.messageHash)));
    statements.push(
      db
        .delete(messages)
        .where(and(eq(messages.recipient, recipient), or(...matches)))
        .returning({ id: messages.id }),
    );
  }
  const [first, ...rest] = statements;
  if (!first) return 0;
  const results = await db.batch([first, ...rest]);
  return results.reduce((total, deleted) => total + deleted.length, 0);
}

/** Removes messages whose TTL has passed; returns how many. */
export async function deleteExpiredMessages(db: Database, nowMs: number): Promise<number> {
  const deleted = await db
    .delete(messages)
    .where(and(isNotNull(messages.expiresAtMs), lt(messages.expiresAtMs, nowMs)))
    .returning({ id: messages.id });
  return deleted.length;
}

/** Marks challenge `id` as answered; false if it already was (a replay). Atomic. */
export async function spendChallenge(db: Database, id: string, expiresAtSeconds: number): Promise<boolean> {
  const inserted = await db.insert(spentChallenges).values({ id, expiresAtSeconds }).onConflictDoNothing().returning({ id: spentChallenges.id });
  return inserted.length === 1;
}

/** Forgets spent challenges that have expired anyway. */
export async function deleteSpentChallenges(db: Database, nowSeconds: number): Promise<void> {
  await db.delete(spentChallenges).where(lt(spentChallenges.expiresAtSeconds, nowSeconds));
}

/** The statement that deletes the cached messages (received up to `beforeMs`, when given) of the names `recipients` yields. */
export function deleteMessagesOfRecipients(db: Database, recipients: SQL, beforeMs?: number) {
  return db.delete(messages).where(and(sql`${messages.recipient} IN ${recipients}`, upTo(messages.receivedAtMs, beforeMs)));
}
