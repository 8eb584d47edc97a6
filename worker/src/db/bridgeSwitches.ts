import { eq } from "drizzle-orm";
import type { Database } from "./client";
import { bridgeSwitches } from "./schema";

/** The admin's switch for `bridge` (no row: on). */
export function findBridgeSwitch(db: Database, bridge: string) {
  return db.select().from(bridgeSwitches).where(eq(bridgeSwitches.bridge, bridge)).get();
}

export async function setBridgeSwitch(db: Database, bridge: string, enabled: boolean, changedBy: string, nowMs: number): Promise<void> {
  const row = { bridge, enabled, changedBy, changedAtMs: nowMs };
  await db.insert(bridgeSwitches).values(row).onConflictDoUpdate({ target: bridgeSwitches.bridge, set: row });
}
