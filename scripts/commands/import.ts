import { defineCommand } from "citty";
import { NAME_LIMITS } from "../../worker/src/registry/limits";
import { UsageError } from "../lib/cliErrors";
import { readImportFile } from "../lib/readImportFile";
import type { BulkItemInput } from "../../sdk/src/index";
import { COMMON_ARGS, DRY_RUN_ARG, registryClient } from "../lib/registryClient";

const MAX_BATCH = NAME_LIMITS.maxBulkItems;
const BAR_WIDTH = 30;

/** `import FILE --domain D`: bulk upsert from NDJSON (the export format) or CSV. */
export default defineCommand({
  meta: { name: "import", description: "Import names from NDJSON (as exported) or CSV into a domain, in bulk" },
  args: {
    file: { type: "positional", required: true, description: "File.ndjson or file.csv" },
    domain: { type: "string", required: true, description: "Domain the names belong to" },
    batch: { type: "string", description: `Names per request (default ${MAX_BATCH})` },
    ...COMMON_ARGS,
    ...DRY_RUN_ARG,
  },
  async run({ args }) {
    const batchSize = args.batch === undefined ? MAX_BATCH : Number(args.batch);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) throw new UsageError(`--batch takes 1..${MAX_BATCH}`);
    const rows = readImportFile(args.file);
    const failures: { name: string; reason: string }[] = rows
      .filter((row) => row.error)
      .map((row) => ({ name: `(line ${row.line})`, reason: row.error as string }));
    const items = rows.flatMap((row) => (row.item ? [row.item] : []));
    if (args["dry-run"]) {
      console.error(
        `dry run: would import ${items.length} names into ${args.domain} in ${Math.ceil(items.length / batchSize)} requests; ${failures.length} unreadable lines`,
      );
      return;
    }
    const registry = registryClient(args);
    let succeeded = 0;
    for (let start = 0; start < items.length; start += batchSize) {
      const chunk = items.slice(start, start + batchSize);
      const result = await registry.bulkPut(args.domain, chunk as BulkItemInput[]);
      succeeded += result.succeeded;
      for (const item of result.results) if (!item.ok) failures.push({ name: item.name, reason: `${item.code}: ${item.message}` });
      progress(start + chunk.length, items.length);
    }
    if (items.length > 0) process.stderr.write("\n");
    if (args.json) {
      console.log(JSON.stringify({ succeeded, failed: failures.length, failures }));
    } else {
      console.log(`imported ${succeeded} of ${rows.length} into ${args.domain}; ${failures.length} failed`);
      for (const failure of failures) console.error(`  ${failure.name}: ${failure.reason}`);
    }
    if (failures.length > 0) process.exitCode = 1;
  },
});

function progress(done: number, total: number): void {
  const filled = Math.round((done / total) * BAR_WIDTH);
  process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${done}/${total}`);
}
