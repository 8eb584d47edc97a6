import { listAudit } from "../db/audit";
import type { Database } from "../db/client";
import type { AuditRow } from "../db/schema";
import { InvalidInputError } from "../http/validate";
import { mergeInOrder } from "../db/acrossDatabases";

type AuditPage = { items: AuditRow[]; nextCursor: string | null };

/**
 * A domain's audit trail, newest first. Changes to its names are audited in its names' database
 * (in the same batch as the change), the rest (keys, webhook) in the directory: when those are two
 * databases, both trails are merged by time and the cursor says where each one got to
 * (`<directory id>:<names id>`, a side left empty when none of its rows was shown yet).
 */
export async function listDomainAudit(
  directory: Database,
  names: Database,
  domain: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<AuditPage> {
  const split = query.cursor?.includes(":") ?? false;
  if (query.cursor !== undefined && split !== (names !== directory)) throw new InvalidInputError("cursor: must be the nextCursor of the previous page");
  if (names === directory) {
    const rows = await listAudit(directory, domain, query.limit + 1, query.cursor ? Number(query.cursor) : undefined);
    const items = rows.slice(0, query.limit);
    return { items, nextCursor: rows.length > query.limit ? String(items.at(-1)?.id) : null };
  }
  const [directoryBefore, namesBefore] = (query.cursor ?? ":").split(":").map((part) => (part ? Number(part) : undefined));
  const [fromDirectory, fromNames] = await Promise.all([
    listAudit(directory, domain, query.limit + 1, directoryBefore),
    listAudit(names, domain, query.limit + 1, namesBefore),
  ]);
  // Newest first within each trail (by id); across the two, by time, the directory's first on a tie.
  const { rows, more } = mergeInOrder([fromDirectory, fromNames], (a, b) => a.atSeconds > b.atSeconds, query.limit);
  const position = [directoryBefore, namesBefore];
  for (const { row, page } of rows) position[page] = row.id;
  const items = rows.map(({ row }) => row);
  return { items, nextCursor: more ? position.map((id) => (id === undefined ? "" : String(id))).join(":") : null };
}
