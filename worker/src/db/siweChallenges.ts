import { eq, lt } from "drizzle-orm";
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

/** The outstanding SIWE message of `address`, removed in the same statement (it works once); undefined when none is live. */
export async function takeSiweChallenge(db: Database, address: string, nowSeconds: number): Promise<string | undefined> {
  const [row] = await db.delete(siweChallenges).where(eq(siweChallenges.address, address.toLowerCase())).returning();
  return row && row.expiresAtSeconds >= nowSeconds ? row.message : undefined;
}
