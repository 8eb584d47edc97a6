import type { ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { buildWebAssets } from "../lib/buildWeb";
import { binPath, projectRoot } from "../lib/paths";
import { runWrangler } from "../lib/wrangler";
import { spawnLogged, waitUntil } from "./processes";

const WORKER_START_TIMEOUT_MS = 90_000;
const HEALTH_PROBE_TIMEOUT_MS = 5_000;
const LOG_LINES_SHOWN = 30;

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
  /** Overrides wrangler.toml's `minify = true` (readable function names in CPU profiles). */
  unminified?: boolean;
  /** What answering `GET /health` looks like once the worker is up (default: a 2xx). */
  isReady?: (response: Response) => boolean;
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
      ...(options.unminified ? ["--minify=false"] : []),
      ...Object.entries(options.vars ?? {}).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    ],
    { cwd: projectRoot, logFile: options.logFile },
  );
  const url = `http://127.0.0.1:${options.port}`;
  let hasExited = false;
  const exited = new Promise<never>((_resolve, reject) => {
    child.once("exit", (code, signal) => {
      hasExited = true;
      reject(new Error(`wrangler dev exited (${signal ?? `code ${code}`}) before answering`));
    });
  });
  exited.catch(() => undefined); // Observed below; after start-up an exit is the caller's business.
  try {
    await Promise.race([
      exited,
      waitUntil(
        `the worker at ${url}`,
        // Each probe bounded: a request the proxy holds on to must not use up the whole wait.
        // (After an exit the probe ends the wait; the race has already failed.)
        async () => {
          if (hasExited) return true;
          const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(HEALTH_PROBE_TIMEOUT_MS) });
          return (options.isReady ?? ((answer) => answer.ok))(response);
        },
        WORKER_START_TIMEOUT_MS,
      ),
    ]);
  } catch (error) {
    // Say why: the end of wrangler's log (a port taken, a config error) belongs in the failure.
    const log = await readFile(options.logFile, "utf8").catch(() => "");
    const tail = log.trimEnd().split("\n").slice(-LOG_LINES_SHOWN).join("\n");
    throw new Error(`${(error as Error).message}; last lines of ${options.logFile}:\n${tail}`);
  }
  return { child, url };
}
