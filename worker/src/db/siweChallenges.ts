import { and, eq, lt } from "drizzle-orm";
import type { Database } from "./client";
import { siweChallenges } from "./schema";

/** Keeps `message` as the one outstanding SIWE message of `address` (replacing any older one), and drops expired ones. */
export async function storeSiweChallenge(db: Database, row: { address: string; message: string; expiresAtSeconds: number }, nowSeconds: number): Promise<void> {
  const address = row.address.toLowerCase();
  await db.batch([
    db.delete(siweChallenges).where(lt(siweChallenges.expiresAtSeconds, nowSeconds)),
    db
      .insert(siweChallenges)
      .values({ ...row, address })
      .onConflictDoUpdate({ target: siweChallenges.address, set: { message: row.message, expiresAtSeconds: row.expiresAtSeconds } }),
  ]);
}

/** The outstanding SIWE message of `address` while it is live (read only: a wrong signature must not burn it). */
export async function findSiweChallenge(db: Database, address: string, nowSeconds: number): Promise<string | undefined> {
  const row = await db.select().from(siweChallenges).where(eq(siweChallenges.address, address.toLowerCase())).get();
  return row && row.expiresAtSeconds >= nowSeconds ? row.message : undefined;
}

/** Uses `message` up, in one statement: true for the one caller that removed it, false when it was gone or replaced. */
export async function spendSiweChallenge(db: Database, address: string, message: string): Promise<boolean> {
  const removed = await db
    .delete(siweChallenges)
    .where(and(eq(siweChallenges.address, address.toLowerCase()), eq(siweChallenges.message, message)))
    .returning({ address: siweChallenges.address });
  return removed.length === 1;
}
