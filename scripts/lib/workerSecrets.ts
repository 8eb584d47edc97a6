import { spawn } from "node:child_process";
import { utimes } from "node:fs/promises";
import path from "node:path";
import { setDevSecret } from "../stack/devVars";
import { binPath, projectRoot } from "./paths";
import { QUIET_ENV } from "../stack/processes";

/** Sets a secret of the deployed worker (`wrangler secret put NAME`, value on stdin: never in argv or logs). */
export function putRemoteSecret(name: string, value: string, options: { workerName?: string } = {}): Promise<void> {
  return runWrangler(["secret", "put", name, ...(options.workerName ? ["--name", options.workerName] : [])], value);
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

/** Runs wrangler with `stdin` as its input; rejects with wrangler's last error line. */
export function runWrangler(
  args: string[],
  stdin = "",
  options: { env?: Record<string, string | undefined>; onOutput?: (chunk: string) => void } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...QUIET_ENV, ...options.env };
    const child = spawn(binPath("wrangler"), args, { cwd: projectRoot, env, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      options.onOutput?.(chunk.toString());
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) return resolve();
      const lines = output.replace(/\u001b\[[0-9;]*m/g, "").split("\n").filter((line) => line.trim());
      reject(new Error(`wrangler ${args.slice(0, 2).join(" ")} failed: ${lines.findLast((line) => /error/i.test(line)) ?? lines.at(-1) ?? `exit ${code}`}`));
    });
    child.stdin.end(stdin);
  });
}
