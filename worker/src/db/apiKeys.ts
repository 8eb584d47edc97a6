import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "./client";
import { type ApiKeyRow, apiKeys } from "./schema";

/** The insert of a new key row (batched with its audit row). */
export function apiKeyInsert(db: Database, row: ApiKeyRow) {
  return db.insert(apiKeys).values(row);
}

/** The key whose secret hashes to `secretHash`, or undefined. */
export function findApiKeyByHash(db: Database, secretHash: string): Promise<ApiKeyRow | undefined> {
  return db.select().from(apiKeys).where(eq(apiKeys.secretHash, secretHash)).get();
}

/** The key `id`, or undefined. */
export function findApiKey(db: Database, id: string): Promise<ApiKeyRow | undefined> {
  return db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
}

/** Every key of `domain` (hashes included; callers strip them). */
export function listApiKeys(db: Database, domain: string): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.domain, domain)).orderBy(apiKeys.createdAtSeconds).all();
}

/** The update that revokes key `id` (no-op if already revoked). */
export function apiKeyRevoke(db: Database, id: string, nowSeconds: number) {
  return db
    .update(apiKeys)
    .set({ revokedAtSeconds: nowSeconds })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAtSeconds)));
}
