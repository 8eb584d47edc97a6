import { spawn } from "node:child_process";
import { stripVTControlCharacters } from "node:util";
import { QUIET_ENV } from "../stack/processes";
import { binPath, projectRoot } from "./paths";

/** How to run one wrangler command. */
export type WranglerOptions = {
  /** Working directory (default: the project root, where wrangler.toml is). */
  cwd?: string;
  /** Extra environment (e.g. secret values a command reads); never put secrets in `args`. */
  env?: Record<string, string | undefined>;
  /** Standard input (e.g. the value for `wrangler secret put`). */
  stdin?: string;
};

/** wrangler exited non-zero; the message carries its last error line. */
export class WranglerError extends Error {
  override readonly name = "WranglerError";
  constructor(
    command: string,
    reason: string,
    readonly output: string,
  ) {
    super(`wrangler ${command} failed: ${reason}`);
  }
}

/**
 * Runs the project's wrangler non-interactively (`CI=true`, no telemetry) and resolves with its
 * output, or rejects with a {@link WranglerError}.
 */
export function runWrangler(args: string[], options: WranglerOptions = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binPath("wrangler"), args, {
      cwd: options.cwd ?? projectRoot,
      env: { ...process.env, ...QUIET_ENV, CI: "true", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) return resolve({ stdout, stderr });
      const lines = stripVTControlCharacters(`${stderr}\n${stdout}`)
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean);
      const reason = lines.find((line) => /error/i.test(line)) ?? lines.at(-1) ?? `exit code ${code}`;
      reject(new WranglerError(args.slice(0, 2).join(" "), reason, `${stdout}\n${stderr}`));
    });
    child.stdin.end(options.stdin ?? "");
  });
}
