/**
 * A small per-isolate cache of settled answers (Workers forbid one request from waiting on
 * another's I/O, so pending reads are never shared), oldest first out when full.
 */
export type IsolateCache = {
  /** The cached value of `key`, or `load()`'s (kept for `ttlMs` when it settles; errors are not kept). */
  read<T>(key: string, ttlMs: number, nowMs: number, load: () => Promise<T>): Promise<T>;
  clear(): void;
};

export function createIsolateCache(maxEntries: number): IsolateCache {
  const entries = new Map<string, { expiresAtMs: number; value: unknown }>();
  return {
    async read<T>(key: string, ttlMs: number, nowMs: number, load: () => Promise<T>): Promise<T> {
      const hit = entries.get(key);
      if (hit && hit.expiresAtMs > nowMs) return hit.value as T;
      const value = await load();
      if (ttlMs > 0) {
        entries.delete(key);
        entries.set(key, { expiresAtMs: nowMs + ttlMs, value });
        if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      }
      return value;
    },
    clear: () => entries.clear(),
  };
}
