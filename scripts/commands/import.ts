import { defineCommand } from "citty";
import { NAME_LIMITS } from "../../worker/src/registry/limits";
import { UsageError } from "../lib/cliErrors";
import { type ImportRow, readImportFile } from "../lib/readImportFile";
import { readNamestoneDump } from "../lib/readNamestoneDump";
import { type BulkItemInput, RegistryApiError } from "../../sdk/src/index";
import { COMMON_ARGS, DRY_RUN_ARG, registryClient } from "../lib/registryClient";

const MAX_BATCH = NAME_LIMITS.maxBulkItems;
const BAR_WIDTH = 30;
/** `import namestone FILE`: the first positional names the source. */
const NAMESTONE = "namestone";

type Failure = { name: string; reason: string };

/**
 * `import FILE --domain D`: bulk upsert from NDJSON (the export format) or CSV.
 * `import namestone FILE`: names saved from NameStone's get-names, each into its own domain.
 * Idempotent (a bulk upsert), with a dry run and a report; exit 1 when any name failed.
 */
export default defineCommand({
  meta: {
    name: "import",
    description:
      "Import names in bulk: FILE (NDJSON as exported, or CSV) --domain D; or `namestone FILE` (NameStone get-names answers, each name into its domain)",
  },
  args: {
    file: { type: "positional", required: true, description: "File.ndjson or file.csv — or `namestone` followed by the file" },
    domain: { type: "string", description: "Domain the names belong to (not for `namestone`: each name says its domain)" },
    batch: { type: "string", description: `Names per request (default ${MAX_BATCH})` },
    ...COMMON_ARGS,
    ...DRY_RUN_ARG,
  },
  async run({ args }) {
    const batchSize = args.batch === undefined ? MAX_BATCH : Number(args.batch);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) throw new UsageError(`--batch takes 1..${MAX_BATCH}`);
    const byDomain = readSource(args.file, args._ as string[], args.domain);
    const failures: Failure[] = [];
    const total = [...byDomain.values()].reduce((sum, rows) => sum + rows.length, 0);
    for (const rows of byDomain.values()) {
      for (const row of rows) if (row.error) failures.push({ name: `(line ${row.line})`, reason: row.error });
    }
    if (args["dry-run"]) {
      for (const [domain, rows] of byDomain) {
        const items = rows.filter((row) => row.item).length;
        console.error(`dry run: would import ${items} names into ${domain || "(no domain)"} in ${Math.ceil(items / batchSize)} requests`);
      }
      console.error(`dry run: ${failures.length} entries cannot be read`);
      for (const failure of failures) console.error(`  ${failure.name}: ${failure.reason}`);
      if (args.json)
        console.log(
          JSON.stringify({
            dryRun: true,
            domains: Object.fromEntries([...byDomain].map(([domain, rows]) => [domain, rows.filter((row) => row.item).length])),
            unreadable: failures,
          }),
        );
      return;
    }
    const registry = registryClient(args);
    const imported: Record<string, number> = {};
    let done = 0;
    for (const [domain, rows] of byDomain) {
      const items = rows.flatMap((row) => (row.item ? [row.item] : []));
      imported[domain] = 0;
      for (let start = 0; start < items.length; start += batchSize) {
        const chunk = items.slice(start, start + batchSize);
        try {
          const result = await registry.bulkPut(domain, chunk as BulkItemInput[]);
          imported[domain] += result.succeeded;
          for (const item of result.results) if (!item.ok) failures.push({ name: item.name, reason: `${item.code}: ${item.message}` });
        } catch (error) {
          // A domain this registry does not serve (or this key may not write) fails every name in it, said once per name.
          if (!(error instanceof RegistryApiError) || error.status >= 500) throw error;
          for (const item of chunk) failures.push({ name: String(item.name), reason: `${error.code}: ${error.message}` });
        }
        done += chunk.length;
        progress(done, total);
      }
    }
    if (total > 0) process.stderr.write("\n");
    const succeeded = Object.values(imported).reduce((sum, count) => sum + count, 0);
    if (args.json) {
      console.log(JSON.stringify({ succeeded, failed: failures.length, domains: imported, failures }));
    } else {
      for (const [domain, count] of Object.entries(imported)) console.log(`imported ${count} of ${byDomain.get(domain)?.length ?? 0} into ${domain}`);
      console.log(`${succeeded} imported, ${failures.length} failed`);
      for (const failure of failures) console.error(`  ${failure.name}: ${failure.reason}`);
    }
    if (failures.length > 0) process.exitCode = 1;
  },
});

/** The rows to import, by domain. */
function readSource(file: string, positionals: string[], domain: string | undefined): Map<string, ImportRow[]> {
  const byDomain = new Map<string, ImportRow[]>();
  if (file === NAMESTONE) {
    const dump = positionals[1];
    if (!dump) throw new UsageError("import namestone FILE: name the file saved from NameStone's get-names");
    if (domain) throw new UsageError("import namestone takes no --domain: each name says its domain");
    for (const { domain: of, row } of readNamestoneDump(dump)) byDomain.set(of ?? "", [...(byDomain.get(of ?? "") ?? []), row]);
    return byDomain;
  }
  if (!domain) throw new UsageError("import FILE needs --domain (the domain the names belong to)");
  byDomain.set(domain, readImportFile(file));
  return byDomain;
}

function progress(done: number, total: number): void {
  const filled = Math.round((done / total) * BAR_WIDTH);
  process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${done}/${total}`);
}
