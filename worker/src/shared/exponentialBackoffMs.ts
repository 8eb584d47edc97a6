/** The wait after the `attempts`-th failure: `firstMs`, doubling with each failure, capped at `maxMs`. */
export function exponentialBackoffMs(attempts: number, firstMs: number, maxMs: number): number {
  return Math.min(firstMs * 2 ** Math.max(0, attempts - 1), maxMs);
}
