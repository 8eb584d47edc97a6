import type { ChildProcess } from "node:child_process";
import { buildWebAssets } from "../lib/buildWeb";
import { binPath, projectRoot } from "../lib/paths";
import { runWrangler } from "../lib/wrangler";
import { spawnLogged, waitUntil } from "./processes";

const WORKER_START_TIMEOUT_MS = 90_000;

/** Applies `migrations/` to the local D1 kept under `stateDir` (wrangler's own migration runner). */
export async function migrateLocalD1(stateDir: string): Promise<void> {
  await runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir]);
}

/** Starts `wrangler dev` on 127.0.0.1:`port` over the local D1 in `stateDir`; resolves when `/health` answers. */
export async function startWorker(options: {
  port: number;
  inspectorPort: number;
  stateDir: string;
  logFile: string;
  /** The wrangler config (its directory's `.dev.vars` holds the secrets). */
  configFile: string;
  vars?: Record<string, string>;
}): Promise<{ child: ChildProcess; url: string }> {
  await buildWebAssets();
  const child = spawnLogged(
    binPath("wrangler"),
    [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(options.port),
      "--inspector-ip",
      "127.0.0.1",
      "--inspector-port",
      String(options.inspectorPort),
      "--persist-to",
      options.stateDir,
      "--show-interactive-dev-session=false",
      "--config",
      options.configFile,
      ...Object.entries(options.vars ?? {}).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    ],
    { cwd: projectRoot, logFile: options.logFile },
  );
  const url = `http://127.0.0.1:${options.port}`;
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  await waitUntil(
    `the worker at ${url} (log: ${options.logFile})`,
    async () => {
      if (exited) throw new Error(`wrangler dev exited; see ${options.logFile}`);
      return (await fetch(`${url}/health`)).ok;
    },
    WORKER_START_TIMEOUT_MS,
  );
  return { child, url };
}
