/**
 * How deeply any JSON a client sends may nest arrays and objects. dm3's own values nest 4 levels
 * (an envelope's metadata); canonical `stringify`, typed-data hashing and zod all recurse, so
 * hostile depth is refused before any of them runs.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether `value` nests arrays and objects more than `maxDepth` levels deep. Iterative, so it is
 * safe for any depth, and it stops at the first path that goes too deep.
 *
 * @example exceedsJsonDepth([[[]]], 2) // true
 */
export function exceedsJsonDepth(value: unknown, maxDepth: number = MAX_JSON_DEPTH): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [current, depth] = next;
    if (current === null || typeof current !== "object") continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}
