import type { SQL } from "drizzle-orm";
import { forgetBridgeUsersStatements } from "../db/bridgeUsers";
import type { Database } from "../db/client";
import type { NameLifecycleListener } from "../db/nameLifecycle";

/**
 * The bridges' part of a name's lifecycle: a virtual user lives only as long as its name, with
 * the bridge's key to it. A deleted name (the owner's delete link, or an admin) or a name that
 * changed hands takes the user, its sealed keys, pending mail and threads away.
 */
export function bridgeNameLifecycle(db: Database): NameLifecycleListener {
  const forget = (names: SQL, beforeMs?: number) => forgetBridgeUsersStatements(db, names, beforeMs);
  return { db, namesDeleted: forget, ownersChanged: forget };
}
