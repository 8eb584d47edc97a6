import type { Database } from "../db/client";
import { listNameRows, loadRecords } from "../db/nameReads";
import { stringify } from "../protocol/dm3/stringify";
import { toNameView } from "./storedName";

const EXPORT_PAGE_SIZE = 200;

/**
 * A domain's names as NDJSON, one `{name, owner, texts, addresses, contenthash, dm3Profile}` per
 * line — exactly what the bulk import takes, so an export re-imports losslessly. Streams page by
 * page in name order, so memory stays flat however large the domain is.
 */
export function exportDomain(db: Database, domain: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let afterName: string | undefined;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return controller.close();
      const rows = await listNameRows(db, { domain, afterName, limit: EXPORT_PAGE_SIZE });
      const entries = await loadRecords(db, rows);
      const lines = entries.map((entry) => {
        const { domain: _domain, ...portable } = toNameView(entry);
        return `${stringify(portable)}\n`;
      });
      if (lines.length > 0) controller.enqueue(encoder.encode(lines.join("")));
      afterName = rows.at(-1)?.name;
      done = rows.length < EXPORT_PAGE_SIZE;
      if (done) controller.close();
    },
  });
}
