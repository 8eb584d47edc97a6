import type { Database, NamedDatabase } from "./client";
import { findProvenName, listNameRowsByOwner } from "./nameReads";
import type { NameRow } from "./schema";

// Reads that span every database holding names (a domain's names live in one of them, an owner's
// may be in several): each database answers as if alone, then the answers are merged in the order
// one database would have produced.

const utf8 = new TextEncoder();

/** SQLite's default (BINARY) order of TEXT: UTF-8 bytes, which JavaScript's UTF-16 `<` differs from above U+FFFF. */
export function compareAsSqlite(left: string, right: string): number {
  if (left === right) return 0;
  const a = utf8.encode(left);
  const b = utf8.encode(right);
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    if (a[index] !== b[index]) return (a[index] as number) - (b[index] as number);
  }
  return a.length - b.length;
}

/** A page of the names `owner` owns in any of `databases`, in name order after `afterName`. */
export async function listNameRowsByOwnerAcross(databases: NamedDatabase[], owner: string, limit: number, afterName?: string): Promise<NameRow[]> {
  const pages = await Promise.all(databases.map(({ db }) => listNameRowsByOwner(db, owner, limit, afterName)));
  return pages
    .flat()
    .sort((a, b) => compareAsSqlite(a.name, b.name))
    .slice(0, limit);
}

/** An address name: `0x<40 lowercase hex>.<domain>` (as `isAddressNameSql`). */
const ADDRESS_NAME = /^0x[0-9a-f]{40}\./;

/** {@link findProvenName} over `databases`: each one's choice, then the same rule across them. */
export async function findProvenNameAcross(
  databases: NamedDatabase[],
  owner: string,
  options: { withProfile: boolean },
): Promise<{ row: NameRow; db: Database } | undefined> {
  const found = await Promise.all(databases.map(async ({ db }) => ({ row: await findProvenName(db, owner, options), db })));
  let best: { row: NameRow; db: Database } | undefined;
  for (const candidate of found) {
    if (candidate.row && (!best || provenNameOrder(candidate.row, best.row) < 0)) best = { row: candidate.row, db: candidate.db };
  }
  return best;
}

/** The order of `names_proven_owner_idx`: strongest proof, alias before address name, longest held, name. */
function provenNameOrder(a: NameRow, b: NameRow): number {
  return (
    b.ownerProof - a.ownerProof ||
    Number(ADDRESS_NAME.test(a.name)) - Number(ADDRESS_NAME.test(b.name)) ||
    a.ownerSinceSeconds - b.ownerSinceSeconds ||
    compareAsSqlite(a.name, b.name)
  );
}

/**
 * Merges per-database pages, each already in its database's own order, into one sequence of up to
 * `limit` rows: always the head that comes `first` among the heads, so no database's own order
 * is ever changed (time alone would reorder rows of one database whose clocks raced). Returns the
 * rows with the index of the page each came from, and whether rows were left over.
 */
export function mergeInOrder<Row>(pages: Row[][], first: (a: Row, b: Row) => boolean, limit: number): { rows: { row: Row; page: number }[]; more: boolean } {
  const heads = pages.map(() => 0);
  const rows: { row: Row; page: number }[] = [];
  while (rows.length < limit) {
    let chosen = -1;
    for (const [page, rowsOfPage] of pages.entries()) {
      const head = rowsOfPage[heads[page] as number];
      if (head === undefined) continue;
      const best = chosen === -1 ? undefined : pages[chosen]?.[heads[chosen] as number];
      if (best === undefined || first(head, best)) chosen = page;
    }
    if (chosen === -1) break;
    rows.push({ row: pages[chosen]?.[heads[chosen] as number] as Row, page: chosen });
    heads[chosen] = (heads[chosen] as number) + 1;
  }
  return { rows, more: pages.some((rowsOfPage, page) => (heads[page] as number) < rowsOfPage.length) };
}
