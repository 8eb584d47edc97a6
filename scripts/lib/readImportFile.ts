import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";

/** One row to import, or why a line could not be read. */
export type ImportRow = { line: number; item?: Record<string, unknown>; error?: string };

/**
 * Reads an NDJSON file (the export format: one `{name, owner, texts, …}` per line) or a CSV file
 * with a header: `name`, `owner`, optional `contenthash`, `dm3Profile` (JSON), `text:<key>` and
 * `addr:<coinType>` columns (empty cells are skipped).
 */
export function readImportFile(file: string): ImportRow[] {
  const text = readFileSync(file, "utf8");
  return file.toLowerCase().endsWith(".csv") ? readCsv(text) : readNdjson(text);
}

function readNdjson(text: string): ImportRow[] {
  const rows: ImportRow[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    try {
      const item = JSON.parse(line) as unknown;
      if (typeof item !== "object" || item === null || Array.isArray(item)) throw new Error("not a JSON object");
      rows.push({ line: index + 1, item: item as Record<string, unknown> });
    } catch (error) {
      rows.push({ line: index + 1, error: `line ${index + 1}: ${(error as Error).message}` });
    }
  }
  return rows;
}

function readCsv(text: string): ImportRow[] {
  const records = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  return records.map((record, index) => {
    const line = index + 2;
    try {
      const item: Record<string, unknown> = { name: record.name, owner: record.owner, texts: {}, addresses: {} };
      for (const [column, value] of Object.entries(record)) {
        if (value === "" || value === undefined) continue;
        if (column.startsWith("text:")) (item.texts as Record<string, string>)[column.slice(5)] = value;
        else if (column.startsWith("addr:")) (item.addresses as Record<string, string>)[column.slice(5)] = value;
        else if (column === "contenthash") item.contenthash = value;
        else if (column === "dm3Profile") item.dm3Profile = JSON.parse(value);
        else if (column !== "name" && column !== "owner") throw new Error(`unknown column "${column}"`);
      }
      return { line, item };
    } catch (error) {
      return { line, error: `line ${line}: ${(error as Error).message}` };
    }
  });
}
