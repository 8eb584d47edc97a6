import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "./paths";
import { readStackFile } from "./stackConfig";
import { UsageError } from "./cliErrors";

/** A failed API call, with the worker's `{message, code}`. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${message} (HTTP ${status} ${code})`);
  }
}

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

/** Calls the registry API; JSON in and out, errors as {@link ApiError}. Waits out rate limits. */
export async function callRegistry<T = unknown>(target: RegistryTarget, method: string, apiPath: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (target.credential) headers.Authorization = `Bearer ${target.credential}`;
  const send = () =>
    reach(target.url, () => fetch(`${target.url}${apiPath}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));
  let response = await send();
  for (let retry = 0; response.status === 429 && retry < RATE_LIMIT_RETRIES; retry++) {
    const waitSeconds = Number(response.headers.get("Retry-After")) || 60;
    process.stderr.write(`rate limited; retrying in ${waitSeconds} s\n`);
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
    response = await send();
  }
  const text = await response.text();
  if (!response.ok) {
    let error: { message?: string; code?: string } = {};
    try {
      error = JSON.parse(text) as typeof error;
    } catch {
      error = { message: text.slice(0, 200) };
    }
    throw new ApiError(response.status, error.code ?? "error", error.message ?? response.statusText);
  }
  const type = response.headers.get("Content-Type") ?? "";
  return (type.includes("application/json") ? JSON.parse(text) : text) as T;
}

/** Runs a fetch, turning a connection failure into a message that names the registry URL. */
export async function reach(url: string, request: () => Promise<Response>): Promise<Response> {
  try {
    return await request();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(`Cannot reach the registry at ${url}${cause ? ` (${cause})` : ""}; is it running? (npm start)`);
  }
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

/** Runs a write, or with --dry-run prints it to stderr and returns undefined. */
export async function writeOrDryRun<T>(
  dryRun: boolean | undefined,
  target: RegistryTarget,
  method: string,
  apiPath: string,
  body?: unknown,
): Promise<T | undefined> {
  if (dryRun) {
    console.error(`dry run: ${method} ${target.url}${apiPath}${body === undefined ? "" : ` ${JSON.stringify(body)}`}`);
    return undefined;
  }
  return callRegistry<T>(target, method, apiPath, body);
}
