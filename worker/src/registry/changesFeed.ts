import type { Hex } from "viem";
import { mergeInOrder } from "../db/acrossDatabases";
import type { NamedDatabase } from "../db/client";
import { type ChangeRecord, type ChangesHorizon, listNameChanges } from "../db/nameChanges";
import type { NameChangeRow } from "../db/schema";
import { InvalidInputError } from "../http/validate";
import { PRIMARY_DATABASE } from "../protocol/d1Bookmarks";
import type { ChangeView, ChangesPage } from "./apiTypes";
import { CursorExpiredError } from "./errors";
import { toNameView } from "./storedName";

const ENTRY = /^([A-Za-z_][A-Za-z0-9_]{0,63}):(\d{1,15})(?:@(\d{1,9}))?$/;
const BARE = /^(\d{1,15})(?:@(\d{1,9}))?$/;

/**
 * Where a consumer got to in one database: `seq`, and — when it is inside the folded part of the
 * history — the compaction `generation` it was issued in (see `compactNameChanges`).
 */
type Position = { seq: number; generation?: number };

/**
 * Where a consumer got to in each database: `123` (the only database, or `DB` when there are
 * several: a cursor from before more databases were added stays valid) or `DB:123,DB_2:45`; a
 * position inside folded history carries its generation (`123@4`).
 */
function parseCursor(cursor: string | undefined): Map<string, Position> {
  const positions = new Map<string, Position>();
  if (cursor === undefined || cursor === "") return positions;
  const bare = BARE.exec(cursor);
  if (bare) return positions.set(PRIMARY_DATABASE, toPosition(bare[1] as string, bare[2]));
  for (const entry of cursor.split(",")) {
    const match = ENTRY.exec(entry.trim());
    if (!match || positions.has(match[1] as string)) throw new InvalidInputError("after: must be a cursor this feed returned");
    positions.set(match[1] as string, toPosition(match[2] as string, match[3]));
  }
  return positions;
}

const toPosition = (seq: string, generation: string | undefined): Position => ({
  seq: Number(seq),
  ...(generation === undefined ? {} : { generation: Number(generation) }),
});

/**
 * Whether a consumer at `position` can go on: from the beginning, from past the folded history,
 * or from inside it as long as no compaction ran since (one might have removed a delete it needs).
 */
function isCurrent(position: Position, { horizon, generation }: ChangesHorizon): boolean {
  return position.seq === 0 || position.seq >= horizon || position.generation === generation;
}

function formatCursor(sources: NamedDatabase[], positions: Map<string, number>, horizons: ChangesHorizon[]): string {
  const at = (index: number, binding: string) => {
    const seq = positions.get(binding) ?? 0;
    const horizon = horizons[index] as ChangesHorizon;
    return seq > 0 && seq < horizon.horizon ? `${seq}@${horizon.generation}` : String(seq);
  };
  if (sources.length === 1 && sources[0]?.binding === PRIMARY_DATABASE) return at(0, PRIMARY_DATABASE);
  return sources.map(({ binding }, index) => `${binding}:${at(index, binding)}`).join(",");
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
 *
 * @throws {CursorExpiredError} when `after` points into history folded since it was issued.
 */
export async function listChanges(
  sources: NamedDatabase[],
  query: { after?: string | undefined; limit: number; domain?: string | undefined },
  retentionDays: number,
): Promise<ChangesPage> {
  const given = parseCursor(query.after);
  const reads = await Promise.all(
    sources.map(({ binding, db }) => listNameChanges(db, { afterSeq: given.get(binding)?.seq ?? 0, limit: query.limit + 1, domain: query.domain })),
  );
  const horizons = reads.map((read) => read.horizon);
  for (const [index, { binding }] of sources.entries()) {
    if (!isCurrent(given.get(binding) ?? { seq: 0 }, horizons[index] as ChangesHorizon)) throw new CursorExpiredError(retentionDays);
  }
  const positions = new Map([...given].map(([binding, position]) => [binding, position.seq]));
  const { rows, more } = mergeInOrder(
    reads.map((read) => read.rows),
    (a, b) => a.atSeconds < b.atSeconds,
    query.limit,
  );
  const changes = rows.map(({ row, page }) => {
    positions.set(sources[page]?.binding as string, row.seq);
    return toChangeView(row, formatCursor(sources, positions, horizons));
  });
  return { changes, cursor: formatCursor(sources, positions, horizons), more };
}
