import type { Database } from "./client";
import { type ResolverCheckRow, resolverChecks } from "./schema";

/** Every domain's last resolver check. */
export function listResolverChecks(db: Database): Promise<ResolverCheckRow[]> {
  return db.select().from(resolverChecks).all();
}

/** Records a domain's check, replacing the previous one. */
export async function saveResolverCheck(db: Database, row: ResolverCheckRow): Promise<void> {
  const { domain, ...fields } = row;
  await db.insert(resolverChecks).values(row).onConflictDoUpdate({ target: resolverChecks.domain, set: fields });
}
