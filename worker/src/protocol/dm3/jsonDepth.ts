/**
 * How deeply any JSON a client sends may nest arrays and objects. dm3's own values nest 4 levels
 * (an envelope's metadata); canonical `stringify`, typed-data hashing and zod all recurse, so
 * hostile depth is refused before any of them runs.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Parses JSON text and refuses hostile nesting in one step: the value, or why it is refused (the
 * caller names the input and picks its error). Every JSON a client sends goes through here.
 */
export function parseBoundedJson(text: string): { value: unknown } | { problem: string; cause?: unknown } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    return { problem: "is not valid JSON", cause };
  }
  if (exceedsJsonDepth(value)) return { problem: `nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep` };
  return { value };
}

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
