/**
 * The `X-D1-Bookmark` header: where a client last saw each D1 database, so its next request reads
 * its own writes whichever replica serves it. One database: its bookmark as D1 gives it. Several
 * (domains spread over databases): `DB=<bookmark>, DB_2=<bookmark>`, a bare entry being `DB`'s.
 */
export type D1Bookmarks = Map<string, string>;

/** The binding a bare bookmark belongs to: the primary database. */
export const PRIMARY_DATABASE = "DB";

// D1's bookmarks are dash-separated hex; bindings are JavaScript identifiers.
const BOOKMARK_PATTERN = /^[0-9a-f]{1,64}(-[0-9a-f]{1,64}){0,8}$/i;
const BINDING_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_ENTRIES = 16;

/** The header's bookmarks by binding, or undefined when it is not one this API sent. */
export function parseD1Bookmarks(header: string): D1Bookmarks | undefined {
  const entries = header.split(",").map((entry) => entry.trim());
  if (entries.length > MAX_ENTRIES) return undefined;
  const bookmarks: D1Bookmarks = new Map();
  for (const entry of entries) {
    const separator = entry.indexOf("=");
    const binding = separator === -1 ? PRIMARY_DATABASE : entry.slice(0, separator);
    const bookmark = separator === -1 ? entry : entry.slice(separator + 1);
    if (!BINDING_PATTERN.test(binding) || !BOOKMARK_PATTERN.test(bookmark) || bookmarks.has(binding)) return undefined;
    bookmarks.set(binding, bookmark);
  }
  return bookmarks;
}

/** The header value for `bookmarks` (the bare form when only the primary has one). */
export function formatD1Bookmarks(bookmarks: D1Bookmarks): string {
  if (bookmarks.size === 1 && bookmarks.has(PRIMARY_DATABASE)) return bookmarks.get(PRIMARY_DATABASE) as string;
  return [...bookmarks].map(([binding, bookmark]) => `${binding}=${bookmark}`).join(", ");
}

/** The newest bookmark of each database in either (D1 bookmarks order lexicographically). */
export function mergeD1Bookmarks(known: D1Bookmarks, answered: D1Bookmarks): D1Bookmarks {
  const merged = new Map(known);
  for (const [binding, bookmark] of answered) {
    const previous = merged.get(binding);
    if (previous === undefined || bookmark > previous) merged.set(binding, bookmark);
  }
  return merged;
}
