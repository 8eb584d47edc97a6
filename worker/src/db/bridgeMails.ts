import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { Database } from "./client";
import { type BridgeMailRow, bridgeMails } from "./schema";

/** Queues a mail (once per id: the same DM3 message again is not a second mail); whether it was new. */
export async function insertBridgeMail(db: Database, row: BridgeMailRow): Promise<boolean> {
  const inserted = await db.insert(bridgeMails).values(row).onConflictDoNothing().returning({ id: bridgeMails.id });
  return inserted.length === 1;
}

/**
 * Takes a due mail for one attempt: moves its next attempt `leaseMs` ahead (another wake-up in the
 * meantime finds it not due) and returns it; undefined when it is not due or gone.
 */
export function claimBridgeMail(db: Database, id: string, nowMs: number, leaseMs: number): Promise<BridgeMailRow | undefined> {
  return db
    .update(bridgeMails)
    .set({ nextAttemptAtMs: nowMs + leaseMs, attempts: sql`${bridgeMails.attempts} + 1` })
    .where(and(eq(bridgeMails.id, id), lte(bridgeMails.nextAttemptAtMs, nowMs)))
    .returning()
    .get();
}

export async function rescheduleBridgeMail(db: Database, id: string, nextAttemptAtMs: number, lastError: string): Promise<void> {
  await db.update(bridgeMails).set({ nextAttemptAtMs, lastError }).where(eq(bridgeMails.id, id));
}

export async function deleteBridgeMail(db: Database, id: string): Promise<void> {
  await db.delete(bridgeMails).where(eq(bridgeMails.id, id));
}

/** Ids of mails due by `nowMs`, oldest first (the cron's sweep for lost wake-ups). */
export async function listDueBridgeMails(db: Database, nowMs: number, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: bridgeMails.id })
    .from(bridgeMails)
    .where(lte(bridgeMails.nextAttemptAtMs, nowMs))
    .orderBy(asc(bridgeMails.nextAttemptAtMs))
    .limit(limit);
  return rows.map((row) => row.id);
}
