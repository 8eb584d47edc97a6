import { and, eq, lt } from "drizzle-orm";
import type { Database } from "./client";
import { bridgeThreads } from "./schema";

export type BridgeThread = typeof bridgeThreads.$inferInsert;

/** Remembers which mail carried which DM3 message (one row per hash a client may refer to it by). */
export async function rememberThreads(db: Database, rows: BridgeThread[]): Promise<void> {
  if (rows.length > 0) await db.insert(bridgeThreads).values(rows).onConflictDoNothing();
}

/** The mail that carried `messageHash` for virtual user `name`, if remembered. */
export function findThreadByMessage(db: Database, name: string, messageHash: string) {
  return db
    .select()
    .from(bridgeThreads)
    .where(and(eq(bridgeThreads.name, name), eq(bridgeThreads.messageHash, messageHash)))
    .get();
}

/** The DM3 message a mail of virtual user `name` carried (a reply's In-Reply-To), if remembered. */
export function findThreadByMail(db: Database, name: string, mailId: string) {
  return db
    .select()
    .from(bridgeThreads)
    .where(and(eq(bridgeThreads.name, name), eq(bridgeThreads.mailId, mailId)))
    .get();
}

/** Forgets threads older than `beforeMs`. */
export async function deleteThreadsBefore(db: Database, beforeMs: number): Promise<void> {
  await db.delete(bridgeThreads).where(lt(bridgeThreads.createdAtMs, beforeMs));
}
