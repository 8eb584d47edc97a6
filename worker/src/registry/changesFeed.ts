import type { Hex } from "viem";
import { mergeInOrder } from "../db/acrossDatabases";
import type { NamedDatabase } from "../db/client";
import { type ChangeRecord, listNameChanges } from "../db/nameChanges";
import type { NameChangeRow } from "../db/schema";
import { InvalidInputError } from "../http/validate";
import { PRIMARY_DATABASE } from "../protocol/d1Bookmarks";
import type { ChangeView, ChangesPage } from "./apiTypes";
import { toNameView } from "./storedName";

const ENTRY = /^([A-Za-z_][A-Za-z0-9_]{0,63}):(\d{1,15})$/;
const BARE = /^\d{1,15}$/;

/**
 * Where a consumer got to in each database: `123` (the only database, or `DB` when there are
 * several: a cursor from before more databases were added stays valid) or `DB:123,DB_2:45`.
 */
function parseCursor(cursor: string | undefined): Map<string, number> {
  const positions = new Map<string, number>();
  if (cursor === undefined || cursor === "") return positions;
  if (BARE.test(cursor)) return positions.set(PRIMARY_DATABASE, Number(cursor));
  for (const entry of cursor.split(",")) {
    const match = ENTRY.exec(entry.trim());
    if (!match || positions.has(match[1] as string)) throw new InvalidInputError("after: must be a cursor this feed returned");
    positions.set(match[1] as string, Number(match[2]));
  }
  return positions;
}

function formatCursor(sources: NamedDatabase[], positions: Map<string, number>): string {
  if (sources.length === 1 && sources[0]?.binding === PRIMARY_DATABASE) return String(positions.get(PRIMARY_DATABASE) ?? 0);
  return sources.map(({ binding }) => `${binding}:${positions.get(binding) ?? 0}`).join(",");
}

function toChangeView(row: NameChangeRow, cursor: string): ChangeView {
  const common = { cursor, atSeconds: row.atSeconds, name: row.name, domain: row.domain };
  if (row.kind === "delete" || row.record === null) return { kind: "delete", ...common };
  const record = JSON.parse(row.record) as ChangeRecord;
  const view = toNameView({
    node: row.node as Hex,
    name: row.name,
    domain: row.domain,
    ownerAddress: record.owner,
    contenthash: record.contenthash as Hex | null,
    texts: record.texts,
    addresses: record.addresses as Record<string, Hex>,
  });
  return { kind: "put", ...common, ...view };
}

/**
 * A page of the change feed after `after`, in commit order: each database's changes in its own
 * order, the databases' merged by time. Every change carries the cursor just after it; the page's
 * `cursor` is where to continue (also when nothing was new: poll with it).
 */
export async function listChanges(
  sources: NamedDatabase[],
  query: { after?: string | undefined; limit: number; domain?: string | undefined },
): Promise<ChangesPage> {
  const positions = parseCursor(query.after);
  const pages = await Promise.all(
    sources.map(({ binding, db }) => listNameChanges(db, { afterSeq: positions.get(binding) ?? 0, limit: query.limit + 1, domain: query.domain })),
  );
  const { rows, more } = mergeInOrder(pages, (a, b) => a.atSeconds < b.atSeconds, query.limit);
  const changes = rows.map(({ row, page }) => {
    positions.set(sources[page]?.binding as string, row.seq);
    return toChangeView(row, formatCursor(sources, positions));
  });
  return { changes, cursor: formatCursor(sources, positions), more };
}
