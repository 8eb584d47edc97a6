/**
 * A bounded per-isolate memory of settled values, each fresh until a given time, oldest first out
 * when full. Workers forbid one request from waiting on another's I/O, so pending reads are never
 * shared: only what a request already has is remembered.
 */
export type IsolateCache<Value> = {
  /** The value of `key` while it is fresh, else undefined. */
  recall(key: string, nowMs: number): Value | undefined;
  /** Keeps `value` under `key` until `freshUntilMs`. */
  remember(key: string, value: Value, freshUntilMs: number): void;
  /** The fresh value of `key`, or `load()`'s (kept for `ttlMs` when it settles; errors are not kept). */
  read<T extends Value>(key: string, ttlMs: number, nowMs: number, load: () => Promise<T>): Promise<T>;
  forget(key: string): void;
  clear(): void;
};

export function createIsolateCache<Value = unknown>(maxEntries: number): IsolateCache<Value> {
  const entries = new Map<string, { freshUntilMs: number; value: Value }>();
  const recall = (key: string, nowMs: number) => {
    const entry = entries.get(key);
    return entry && entry.freshUntilMs > nowMs ? entry.value : undefined;
  };
  const remember = (key: string, value: Value, freshUntilMs: number) => {
    entries.delete(key);
    entries.set(key, { freshUntilMs, value });
    // Maps iterate in insertion order: drop the oldest entry when full.
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
  };
  return {
    recall,
    remember,
    async read<T extends Value>(key: string, ttlMs: number, nowMs: number, load: () => Promise<T>): Promise<T> {
      const entry = entries.get(key);
      if (entry && entry.freshUntilMs > nowMs) return entry.value as T;
      const value = await load();
      if (ttlMs > 0) remember(key, value, nowMs + ttlMs);
      return value;
    },
    forget: (key) => entries.delete(key),
    clear: () => entries.clear(),
  };
}
