import { writeFile } from "node:fs/promises";
import { defineCommand } from "citty";
import { COMMON_ARGS, registryClient } from "../lib/registryClient";

/** `export DOMAIN`: the whole domain as NDJSON (what `import` reads back). */
export default defineCommand({
  meta: { name: "export", description: "Export a domain as NDJSON (one name per line; `import` reads it back losslessly)" },
  args: {
    domain: { type: "positional", required: true, description: "Domain" },
    out: { type: "string", description: "Write to this file instead of stdout" },
    url: COMMON_ARGS.url,
  },
  async run({ args }) {
    const ndjson = await registryClient(args).exportDomain(args.domain);
    if (args.out) await writeFile(args.out, ndjson);
    else process.stdout.write(ndjson);
  },
});
