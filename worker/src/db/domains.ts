import type { Database } from "./client";
import { type DomainRow, domains } from "./schema";

/** Every served domain (a handful per deployment; the gateway caches the list). */
export function listDomains(db: Database): Promise<DomainRow[]> {
  return db.select().from(domains).all();
}

/** Registers `domain` or, when it exists, replaces its resolver and chain. */
export async function upsertDomain(db: Database, domain: DomainRow): Promise<void> {
  await db
    .insert(domains)
    .values(domain)
    .onConflictDoUpdate({
      target: domains.name,
      set: { resolverAddress: domain.resolverAddress, chainId: domain.chainId },
    });
}
