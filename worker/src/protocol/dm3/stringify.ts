/**
 * dm3's canonical JSON (`safe-stable-stringify` as dm3's libraries call it): object keys sorted
 * recursively, no whitespace, `undefined` properties dropped (`null` inside arrays). Everything
 * dm3 signs or hashes is this string, so it must match byte for byte.
 *
 * @example stringify({ b: 1, a: [true, undefined] }) // '{"a":[true,null],"b":1}'
 * @see https://github.com/dm3-org/dm3/blob/main/packages/lib/shared/src/stringify.ts
 */
export function stringify(value: unknown): string {
  const text = serialize(value);
  if (text === undefined) throw new TypeError("stringify: value has no JSON representation");
  return text;
}

function serialize(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") {
    if (typeof value === "bigint") throw new TypeError("stringify: BigInt has no JSON representation");
    return JSON.stringify(value);
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === "function") return serialize(withToJson.toJSON());
  if (Array.isArray(value)) return `[${value.map((item) => serialize(item) ?? "null").join(",")}]`;
  const entries: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const item = serialize((value as Record<string, unknown>)[key]);
    if (item !== undefined) entries.push(`${JSON.stringify(key)}:${item}`);
  }
  return `{${entries.join(",")}}`;
}
