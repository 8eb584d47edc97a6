import { utimes } from "node:fs/promises";
import path from "node:path";
import { setDevSecret } from "../stack/devVars";
import { runWrangler } from "./wrangler";

/** Sets a secret of the deployed worker (`wrangler secret put NAME`, value on stdin: never in argv or logs). */
export async function putRemoteSecret(name: string, value: string, options: { workerName?: string } = {}): Promise<void> {
  await runWrangler(["secret", "put", name, ...(options.workerName ? ["--name", options.workerName] : [])], { stdin: value });
}

/**
 * Sets a secret of a local `wrangler dev` run with `configFile`: rewrites the `.dev.vars` next to
 * it, then touches the config — wrangler dev reloads on a config change (not on a `.dev.vars`
 * change) and re-reads `.dev.vars` as it does.
 */
export async function putLocalSecret(configFile: string, name: string, value: string): Promise<void> {
  await setDevSecret(path.join(path.dirname(configFile), ".dev.vars"), name, value);
  const now = new Date();
  await utimes(configFile, now, now);
}
