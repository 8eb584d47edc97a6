import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "./paths";
import { readStackFile } from "./stackConfig";
import { createRegistryClient, type RegistryClient } from "../../sdk/src/index";
import { UsageError } from "./cliErrors";

/** Where the CLI sends registry requests, and with which credential. */
export type RegistryTarget = { url: string; credential: string | undefined };

/**
 * The worker URL: `--url`, `$DM3_REGISTRY_URL`, or the local stack's. The credential comes from
 * the environment only (`$DM3_API_KEY`, `$DM3_ADMIN_TOKEN`), or the local `.dev.vars` admin token
 * when talking to the local stack — never from a flag, so it stays out of shell history.
 */
export function registryTarget(flags: { url?: string | undefined }): RegistryTarget {
  const stack = readStackFile();
  const url = (flags.url ?? process.env.DM3_REGISTRY_URL ?? stack.gatewayUrl)?.replace(/\/$/, "");
  if (!url) throw new UsageError("No registry to talk to: run `npm start`, or pass --url / set DM3_REGISTRY_URL");
  const credential = process.env.DM3_API_KEY ?? process.env.DM3_ADMIN_TOKEN ?? (url === stack.gatewayUrl ? localAdminToken() : undefined);
  return { url, credential };
}

function localAdminToken(): string | undefined {
  const file = path.join(projectRoot, ".dev.vars");
  if (!existsSync(file)) return undefined;
  return /^ADMIN_TOKEN=(.+)$/m.exec(readFileSync(file, "utf8"))?.[1]?.trim();
}

/** How often a rate-limited (429) call is retried after the `Retry-After` the worker names. */
const RATE_LIMIT_RETRIES = 5;

/** The SDK's registry client, pointed and credentialed by the CLI's rules; it waits out rate limits. */
export function registryClient(flags: { url?: string | undefined }): RegistryClient {
  const { url, credential } = registryTarget(flags);
  return createRegistryClient({
    url,
    credential,
    rateLimitRetries: RATE_LIMIT_RETRIES,
    onRateLimited: (waitSeconds) => process.stderr.write(`rate limited; retrying in ${waitSeconds} s\n`),
  });
}

/** Every value of a repeatable flag (`--text a=1 --text b=2`), which citty keeps only the last of. */
export function repeatedFlag(rawArgs: string[], flag: string): string[] {
  const values: string[] = [];
  for (let index = 0; index < rawArgs.length; index++) {
    const arg = rawArgs[index] as string;
    if (arg === `--${flag}` && index + 1 < rawArgs.length) values.push(rawArgs[++index] as string);
    else if (arg.startsWith(`--${flag}=`)) values.push(arg.slice(flag.length + 3));
  }
  return values;
}

/** `key=value` pairs into an object (the value may itself contain `=`). */
export function keyValuePairs(pairs: string[], flag: string): Record<string, string> {
  const entries = pairs.map((pair) => {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UsageError(`--${flag} takes key=value, not "${pair}"`);
    return [pair.slice(0, at), pair.slice(at + 1)] as const;
  });
  return Object.fromEntries(entries);
}

/** Prints a result: one JSON object with --json, else the human form. */
export function output(json: boolean, value: unknown, human: () => string): void {
  console.log(json ? JSON.stringify(value) : human());
}

/** Shared flags of registry commands. */
export const COMMON_ARGS = {
  url: { type: "string", description: "Registry worker URL (default: $DM3_REGISTRY_URL or the local stack)" },
  json: { type: "boolean", description: "Print exactly one JSON object to stdout" },
} as const;

/** Shared flag of write commands. */
export const DRY_RUN_ARG = {
  "dry-run": { type: "boolean", description: "Print the request that would be sent, send nothing" },
} as const;

/** Runs a write, or with --dry-run prints what it would send to stderr and returns undefined. */
export async function writeOrDryRun<T>(
  dryRun: boolean | undefined,
  plan: { method: string; path: string; body?: unknown },
  write: () => Promise<T>,
): Promise<T | undefined> {
  if (dryRun) {
    console.error(`dry run: ${plan.method} ${plan.path}${plan.body === undefined ? "" : ` ${JSON.stringify(plan.body)}`}`);
    return undefined;
  }
  return write();
}
