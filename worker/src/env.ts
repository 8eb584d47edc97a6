import { type Address, getAddress, isAddress, isHex, type PrivateKeyAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { AppError } from "./http/AppError";
import type { WebhookTargetPolicy } from "./net/webhookTargetProblem";

/** Default lifetime of a signed gateway answer. */
export const DEFAULT_SIGNATURE_TTL_SECONDS = 300;
const MAX_SIGNATURE_TTL_SECONDS = 7 * 24 * 60 * 60;

/** Validated settings derived from the worker's bindings (`Env` comes from `wrangler types`). */
export type Config = {
  /** Signs CCIP-Read answers; its address must be a signer of every served resolver. */
  signer: PrivateKeyAccount;
  signatureTtlSeconds: number;
};

/** A binding is missing or malformed: the deployment, not the client, is at fault (500). */
export class ConfigError extends AppError {
  override readonly name = "ConfigError";
  readonly code = "misconfigured";
  readonly status = 500;
  constructor(problem: string) {
    super("The gateway is misconfigured", { metaMessages: [problem] });
  }
}

const configByEnv = new WeakMap<object, Config>();

/** Parses and validates `env` once per isolate (the signer key derivation is not free). */
export function parseConfig(env: Env): Config {
  const cached = configByEnv.get(env);
  if (cached) return cached;
  const key = env.SIGNER_PRIVATE_KEY?.trim();
  if (!key || !isHex(key) || key.length !== 66) {
    throw new ConfigError("SIGNER_PRIVATE_KEY must be a 0x-prefixed 32-byte hex secret (.dev.vars or `wrangler secret put`)");
  }
  const ttl = env.SIGNATURE_TTL_SECONDS === undefined ? DEFAULT_SIGNATURE_TTL_SECONDS : Number(env.SIGNATURE_TTL_SECONDS);
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_SIGNATURE_TTL_SECONDS) {
    throw new ConfigError(`SIGNATURE_TTL_SECONDS must be a whole number of seconds in 1..${MAX_SIGNATURE_TTL_SECONDS}`);
  }
  const config: Config = { signer: privateKeyToAccount(key), signatureTtlSeconds: ttl };
  configByEnv.set(env, config);
  return config;
}

/** Whether lookups reuse signed answers from the Cache API (`ANSWER_CACHE`, default "on"). */
export function parseAnswerCacheEnabled(env: Env): boolean {
  const setting = (env.ANSWER_CACHE ?? "on").trim();
  if (setting !== "on" && setting !== "off") throw new ConfigError('ANSWER_CACHE must be "on" or "off"');
  return setting === "on";
}

/** Where gateway-mode webhooks may point: loopback only where `WEBHOOK_ALLOW_LOOPBACK` is "true" (the local stack). */
export function parseWebhookTargetPolicy(env: Env): WebhookTargetPolicy {
  const allow = (env.WEBHOOK_ALLOW_LOOPBACK ?? "false").trim();
  if (allow !== "true" && allow !== "false") throw new ConfigError('WEBHOOK_ALLOW_LOOPBACK must be "true" or "false"');
  return { allowLoopback: allow === "true" };
}

/** Where the worker reads ENS: an L1 RPC endpoint and the registry to walk. */
export type ChainConfig = { rpcUrl: string; ensRegistry: Address; cacheMs: number };

const DEFAULT_ENS_REGISTRY: Address = "0x00000000000C2E074eC69A0dFb2997BA6C7d2e1e";
const MAX_ENS_CACHE_SECONDS = 24 * 60 * 60;

const chainConfigByEnv = new WeakMap<object, { config: ChainConfig | undefined }>();

/**
 * The chain settings, or undefined when `L1_RPC_URL` is empty (the worker then knows only names it
 * serves). Parsed once per isolate: every relay submit and directory read asks for them.
 */
export function parseChainConfig(env: Env): ChainConfig | undefined {
  const cached = chainConfigByEnv.get(env);
  if (cached) return cached.config;
  const config = readChainConfig(env);
  chainConfigByEnv.set(env, { config });
  return config;
}

function readChainConfig(env: Env): ChainConfig | undefined {
  const rpcUrl = (env.L1_RPC_URL ?? "").trim();
  if (!rpcUrl) return undefined;
  let url: URL;
  try {
    url = new URL(rpcUrl);
  } catch {
    throw new ConfigError("L1_RPC_URL is not an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError(`L1_RPC_URL must be an http(s) URL, not ${url.protocol}`);
  const registry = (env.ENS_REGISTRY ?? "").trim() || DEFAULT_ENS_REGISTRY;
  if (!isAddress(registry, { strict: false })) throw new ConfigError(`ENS_REGISTRY "${registry}" is not an address`);
  const cacheSeconds = Number(env.ENS_CACHE_SECONDS ?? 60);
  if (!Number.isInteger(cacheSeconds) || cacheSeconds < 0 || cacheSeconds > MAX_ENS_CACHE_SECONDS) {
    throw new ConfigError(`ENS_CACHE_SECONDS must be a whole number of seconds in 0..${MAX_ENS_CACHE_SECONDS}`);
  }
  return { rpcUrl, ensRegistry: getAddress(registry), cacheMs: cacheSeconds * 1000 };
}

/** Where domains' names may live, by binding: `DB` first, then `NAME_DATABASES`; and where new domains go. */
export type NameDatabases = { bindings: Map<string, D1Database>; forNewDomains: string };

const nameDatabasesByEnv = new WeakMap<object, NameDatabases>();

/**
 * The D1 databases that hold names: the primary (`DB`) and the comma-separated bindings of
 * `NAME_DATABASES`; `NEW_DOMAINS_DATABASE` (default `DB`) is where a domain registered without a
 * choice goes. Parsed once per isolate.
 */
export function parseNameDatabases(env: Env): NameDatabases {
  const cached = nameDatabasesByEnv.get(env);
  if (cached) return cached;
  const bindings = new Map<string, D1Database>([["DB", env.DB]]);
  const bound = env as unknown as Record<string, unknown>;
  for (const binding of (env.NAME_DATABASES ?? "").split(",").map((entry) => entry.trim())) {
    if (!binding || binding === "DB") continue;
    const database = bound[binding] as Partial<D1Database> | undefined;
    if (typeof database?.prepare !== "function" || typeof database.withSession !== "function") {
      throw new ConfigError(`NAME_DATABASES lists "${binding}", which is not a D1 binding of this worker (add it to wrangler.toml's [[d1_databases]])`);
    }
    bindings.set(binding, database as D1Database);
  }
  const forNewDomains = (env.NEW_DOMAINS_DATABASE ?? "").trim() || "DB";
  if (!bindings.has(forNewDomains)) throw new ConfigError(`NEW_DOMAINS_DATABASE "${forNewDomains}" must be DB or listed in NAME_DATABASES`);
  const parsed = { bindings, forNewDomains };
  nameDatabasesByEnv.set(env, parsed);
  return parsed;
}
