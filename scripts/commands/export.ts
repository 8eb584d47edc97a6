import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { defineCommand } from "citty";
import { ApiError, COMMON_ARGS, reach, registryTarget } from "../lib/registryClient";

/** `export DOMAIN`: the whole domain as NDJSON (what `import` reads back). */
export default defineCommand({
  meta: { name: "export", description: "Export a domain as NDJSON (one name per line; `import` reads it back losslessly)" },
  args: {
    domain: { type: "positional", required: true, description: "Domain" },
    out: { type: "string", description: "Write to this file instead of stdout" },
    url: COMMON_ARGS.url,
  },
  async run({ args }) {
    const target = registryTarget(args);
    const response = await reach(target.url, () =>
      fetch(`${target.url}/v1/domains/${args.domain}/export`, {
        headers: target.credential ? { Authorization: `Bearer ${target.credential}` } : {},
      }),
    );
    if (!response.ok || !response.body) {
      const error = (await response.json().catch(() => ({}))) as { message?: string; code?: string };
      throw new ApiError(response.status, error.code ?? "error", error.message ?? response.statusText);
    }
    const body = Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
    await pipeline(body, args.out ? createWriteStream(args.out) : process.stdout);
  },
});
