import { getAddress } from "viem";
import type { Database, NamedDatabase } from "../db/client";
import { listNameRows } from "../db/nameReads";
import { listNameRowsByOwnerAcross } from "../db/acrossDatabases";
import { type NameRow, OWNER_PROOF } from "../db/schema";

import type { NameSummary, Page } from "./apiTypes";

/** A domain's names in name order, optionally by label prefix and owner (index range scans only). */
export async function listDomainNames(
  db: Database,
  domain: string,
  query: { prefix?: string | undefined; owner?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<Page<NameSummary>> {
  const rows = await listNameRows(db, {
    domain,
    prefix: query.prefix,
    owner: query.owner,
    afterName: query.cursor,
    limit: query.limit + 1,
  });
  return toPage(rows, query.limit);
}

/** Reverse lookup: the names `owner` owns, across domains (and the databases they live in). */
export async function listNamesOfOwner(
  databases: NamedDatabase[],
  owner: string,
  query: { cursor?: string | undefined; limit: number },
): Promise<Page<NameSummary>> {
  return toPage(await listNameRowsByOwnerAcross(databases, getAddress(owner), query.limit + 1, query.cursor), query.limit);
}

function toPage(rows: NameRow[], limit: number): Page<NameSummary> {
  const items = rows.slice(0, limit).map((row) => ({
    name: row.name,
    owner: getAddress(row.ownerAddress),
    ownerProven: row.ownerProof > OWNER_PROOF.none,
    updatedAtSeconds: row.updatedAtSeconds,
  }));
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.name ?? null) : null };
}
