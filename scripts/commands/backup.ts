import { defineCommand } from "citty";
import { readFile } from "node:fs/promises";
import { assertOurBackup, BACKUP_TABLES, describeLocation, exportD1, type D1Location, restoreD1 } from "../lib/d1Backup";
import { UsageError } from "../lib/cliErrors";
import { readStackFile } from "../lib/stackConfig";

const LOCATION_ARGS = {
  remote: { type: "boolean", description: "The deployed D1 (default: the local stack's D1, from .dev/stack.json)" },
  "persist-to": { type: "string", description: "Another local D1 state directory (as wrangler dev --persist-to)" },
  "dry-run": { type: "boolean", description: "Say what would be read or written, and do nothing" },
} as const;

/** `--remote`, `--persist-to`, or the D1 of the stack `npm start` runs — never wrangler's unrelated default state. */
function location(args: { remote?: boolean; "persist-to"?: string }): D1Location {
  if (args.remote) {
    if (args["persist-to"]) throw new UsageError("--remote and --persist-to name two different databases: pick one");
    return { remote: true };
  }
  const persistTo = args["persist-to"] ?? readStackFile().d1Dir;
  if (!persistTo) throw new UsageError("No local stack found (.dev/stack.json): start it with `npm start`, or pass --persist-to DIR or --remote");
  return { remote: false, persistTo };
}

const exportCommand = defineCommand({
  meta: { name: "export", description: "Back up every table except api_keys as SQL INSERTs (file mode 0600)" },
  args: { out: { type: "string", required: true, description: "SQL file to write" }, ...LOCATION_ARGS },
  async run({ args }) {
    const from = location(args);
    if (args["dry-run"]) {
      console.error(`would back up ${BACKUP_TABLES.join(", ")} from ${describeLocation(from)} to ${args.out}`);
      return;
    }
    const counts = await exportD1(from, args.out);
    const summary = BACKUP_TABLES.map((table) => `${table} ${counts[table] ?? 0}`).join(", ");
    console.error(`backup of ${describeLocation(from)} written to ${args.out}: ${summary} (API keys excluded: re-issue them after a restore)`);
  },
});

const restoreCommand = defineCommand({
  meta: { name: "restore", description: "Migrate a (fresh) D1 and load a backup into it" },
  args: { file: { type: "positional", required: true, description: "SQL file from `backup export`" }, ...LOCATION_ARGS },
  async run({ args }) {
    const into = location(args);
    if (args["dry-run"]) {
      assertOurBackup(await readFile(args.file, "utf8"), args.file);
      console.error(`would migrate ${describeLocation(into)} and load ${args.file} into it`);
      return;
    }
    await restoreD1(into, args.file);
    console.error(`restored ${args.file} into ${describeLocation(into)}`);
  },
});

/** `backup export|restore`. */
export default defineCommand({
  meta: { name: "backup", description: "Whole-D1 backup and restore (API keys excluded)" },
  subCommands: { export: exportCommand, restore: restoreCommand },
});
