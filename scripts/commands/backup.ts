import { defineCommand } from "citty";
import { exportD1, type D1Location, restoreD1 } from "../lib/d1Backup";

const LOCATION_ARGS = {
  remote: { type: "boolean", description: "The deployed D1 (default: the local one wrangler dev uses)" },
  "persist-to": { type: "string", description: "Local D1 state directory (as wrangler dev --persist-to)" },
} as const;

const location = (args: { remote?: boolean; "persist-to"?: string }): D1Location =>
  args.remote ? { remote: true } : { remote: false, persistTo: args["persist-to"] };

const exportCommand = defineCommand({
  meta: { name: "export", description: "Back up every table except api_keys as SQL INSERTs" },
  args: { out: { type: "string", required: true, description: "SQL file to write" }, ...LOCATION_ARGS },
  async run({ args }) {
    await exportD1(location(args), args.out);
    console.error(`backup written to ${args.out} (API keys excluded: re-issue them after a restore)`);
  },
});

const restoreCommand = defineCommand({
  meta: { name: "restore", description: "Migrate a (fresh) D1 and load a backup into it" },
  args: { file: { type: "positional", required: true, description: "SQL file from `backup export`" }, ...LOCATION_ARGS },
  async run({ args }) {
    await restoreD1(location(args), args.file);
    console.error(`restored ${args.file}`);
  },
});

/** `backup export|restore`. */
export default defineCommand({ meta: { name: "backup", description: "Whole-D1 backup and restore (API keys excluded)" }, subCommands: { export: exportCommand, restore: restoreCommand } });
