import { eq, lte, or, sql } from "drizzle-orm";
import type { Database } from "./client";
import { bridgeConfirmations } from "./schema";

type PendingConfirmation = typeof bridgeConfirmations.$inferInsert;

/**
 * Stores a new pending code for `row.name`, unless one was sent less than `resendAfterMs` ago:
 * then false, and nothing changes.
 */
export async function savePendingConfirmation(db: Database, row: PendingConfirmation, resendAfterMs: number): Promise<boolean> {
  const { name, ...pending } = row;
  const saved = await db
    .insert(bridgeConfirmations)
    .values(row)
    .onConflictDoUpdate({
      target: bridgeConfirmations.name,
      set: { ...pending, attempts: 0 },
      setWhere: or(lte(bridgeConfirmations.sentAtMs, row.sentAtMs - resendAfterMs)),
    })
    .returning({ name: bridgeConfirmations.name });
  return saved.length === 1;
}

/** Counts one attempt at `name`'s code and returns the pending confirmation (with the attempt counted), or undefined. */
export function spendConfirmationAttempt(db: Database, name: string) {
  return db
    .update(bridgeConfirmations)
    .set({ attempts: sql`${bridgeConfirmations.attempts} + 1` })
    .where(eq(bridgeConfirmations.name, name))
    .returning()
    .get();
}

/** Forgets `name`'s pending confirmation (a mail that could not be sent). */
export async function deleteConfirmation(db: Database, name: string): Promise<void> {
  await db.delete(bridgeConfirmations).where(eq(bridgeConfirmations.name, name));
}

/** Forgets confirmations that expired before `beforeMs`. */
export async function deleteExpiredConfirmations(db: Database, beforeMs: number): Promise<void> {
  await db.delete(bridgeConfirmations).where(lte(bridgeConfirmations.expiresAtMs, beforeMs));
}
