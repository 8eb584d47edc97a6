import { eq } from "drizzle-orm";
import type { Database } from "./client";
import { type DomainRow, domains } from "./schema";

/**
 * Registers `domain` or, when it exists, replaces its resolver and chain — and its address-name
 * policy only when given (a new domain starts without). Its `database` is set once, at
 * registration. Returns the stored row.
 */
export async function upsertDomain(
  db: Database,
  domain: Pick<DomainRow, "name" | "resolverAddress" | "chainId" | "createdAtSeconds"> & { allowAddressNames?: boolean | undefined; database?: string },
): Promise<DomainRow> {
  const { allowAddressNames, ...rest } = domain;
  const [row] = await db
    .insert(domains)
    .values({ ...rest, allowAddressNames: allowAddressNames ?? false })
    .onConflictDoUpdate({
      target: domains.name,
      set: { resolverAddress: domain.resolverAddress, chainId: domain.chainId, ...(allowAddressNames === undefined ? {} : { allowAddressNames }) },
    })
    .returning();
  // An upsert always returns its row; anything else is D1 misbehaving.
  if (!row) throw new Error(`upsert of domain ${domain.name} returned no row`);
  return row;
}

/** The update that sets (or with `null`, removes) a domain's gateway-mode webhook (to batch with its audit row). */
export function domainWebhookUpdate(db: Database, name: string, webhook: { url: string; secret: string } | null) {
  return db
    .update(domains)
    .set({ webhookUrl: webhook?.url ?? null, webhookSecret: webhook?.secret ?? null })
    .where(eq(domains.name, name));
}

/** The webhook of `name`, or undefined when it has none. */
export async function findDomainWebhook(db: Database, name: string): Promise<{ url: string; secret: string } | undefined> {
  const row = await db.select({ url: domains.webhookUrl, secret: domains.webhookSecret }).from(domains).where(eq(domains.name, name)).get();
  return row?.url && row.secret ? { url: row.url, secret: row.secret } : undefined;
}
