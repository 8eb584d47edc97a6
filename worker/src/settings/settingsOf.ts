import { type Address, getAddress, isAddress, isHex, type PrivateKeyAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { DEFAULT_IPV6_PREFIX_BITS } from "../http/clientNetwork";
import type { WebhookTargetPolicy } from "../net/webhookTargetProblem";
import { PRIMARY_DATABASE } from "../protocol/d1Bookmarks";
import type { RelayWork } from "../shared/relayWork";
import { ConfigError } from "./ConfigError";
import { once } from "./once";
import { type EmailBridgeSettings, parseEmailBridgeSettings } from "./emailBridgeSettings";
import { parseRelaySettings, type RelaySettings } from "./relaySettings";
import { parseWholeNumber } from "./parseWholeNumber";

/** Default lifetime of a signed gateway answer. */
export const DEFAULT_SIGNATURE_TTL_SECONDS = 300;
const MAX_SIGNATURE_TTL_SECONDS = 7 * 24 * 60 * 60;
/** The ENS registry of mainnet (and Sepolia): what the worker walks when `ENS_REGISTRY` is empty. */
export const DEFAULT_ENS_REGISTRY: Address = "0x00000000000C2E074eC69A0dFb2997BA6C7d2e1e";
const DEFAULT_ENS_CACHE_SECONDS = 60;
const MAX_ENS_CACHE_SECONDS = 24 * 60 * 60;
const DEFAULT_CHANGES_RETENTION_DAYS = 30;
const MAX_CHANGES_RETENTION_DAYS = 3650;

/** The gateway's signer and the life of its answers. */
export type GatewaySettings = {
  /** Signs CCIP-Read answers; its address must be a signer of every served resolver. */
  signer: PrivateKeyAccount;
  signatureTtlSeconds: number;
};

/** Where the worker reads ENS: an L1 RPC endpoint and the registry to walk. */
export type ChainSettings = {
  rpcUrl: string;
  ensRegistry: Address;
  cacheMs: number;
  /** `ENS_UNIVERSAL_RESOLVER`: ENS's UniversalResolver, which the resolver guard asks too (undefined: registry walk only). */
  universalResolver: Address | undefined;
};

/** Where domains' names may live, by binding: `DB` first, then `NAME_DATABASES`; and where new domains go. */
export type NameDatabases = { bindings: Map<string, D1Database>; forNewDomains: string };

/** The rate-limiting bindings (wrangler.toml `[[ratelimits]]`) and what each one counts. */
export type RateLimiterName =
  /** Writes authenticated with a service API key, per key. */
  | "WRITES_PER_KEY_LIMITER"
  /** Owner-signed writes, per client IP. */
  | "WRITES_PER_IP_LIMITER"
  /** Relay `dm3_submitMessage` calls, per client IP. */
  | "SUBMITS_PER_IP_LIMITER"
  /** Relay challenges and answers, and failed registry credentials, per client IP. */
  | "AUTH_PER_IP_LIMITER"
  /** Confirmation codes mailed, per client IP and per email address. */
  | "CONFIRMATIONS_LIMITER"
  /** The email bridge: mail in per virtual user, DM3 messages in per sender. */
  | "BRIDGE_MAIL_LIMITER";

/** New-message notifications by email: who sends them, how often at most, and through what. */
export type NotificationSettings = {
  /** The sender address (`NOTIFY_FROM`). */
  from: string;
  /** At most one notification per inbox per this long (`NOTIFY_INTERVAL_SECONDS`). */
  intervalMs: number;
  /** Email Service (`EMAIL`, a `send_email` binding). */
  mailer: SendEmail;
  /** Where the unsubscribe links point (`DS_URL`). */
  publicUrl: string;
};

/** What the pages tell browsers (all public). */
export type PageSettings = {
  /** An L1 RPC URL browsers may use to verify names on chain ("" = the visitor's wallet, if any). */
  publicRpcUrl: string;
  /** The ENS registry the page verifies names against: the worker's own (default included). */
  ensRegistry: Address;
  /** The delivery service named when a name's profile lists none ("" when this worker runs none). */
  deliveryService: string;
  /** A link to the source ("" = none). */
  sourceUrl: string;
};

/**
 * Every binding, variable and secret of the worker, typed, with its default and its error in one
 * place. Sections parse on first use and are kept for the isolate, so a route that needs no signer
 * or relay key never fails for a missing one; a malformed setting is a {@link ConfigError} (500).
 */
export type Settings = {
  /** `SIGNER_PRIVATE_KEY`, `SIGNATURE_TTL_SECONDS`. */
  gateway(): GatewaySettings;
  /** `ANSWER_CACHE` ("on" by default): whether lookups reuse signed answers from the Cache API. */
  answerCacheEnabled(): boolean;
  /** `CHANGES_RETENTION_DAYS` (30 by default; 0 = forever): how much change-feed history is kept unfolded. */
  changesRetentionDays(): number;
  /** `DS_NAME`: the delivery service's own ENS name ("" when this worker runs none). */
  dsName: string;
  /** `DS_URL`: the worker's public base URL without a trailing slash, or undefined when unset. */
  publicUrl(): string | undefined;
  /** The delivery service's identity and policy (`DS_*`, `MESSAGE_*`, `OUTBOUND_MAX_AGE_SECONDS`). */
  relay(): RelaySettings;
  /** `L1_RPC_URL`, `ENS_REGISTRY`, `ENS_CACHE_SECONDS`; undefined without an RPC URL (served names only). */
  chain(): ChainSettings | undefined;
  /** `ENS_REGISTRY`, or mainnet's when empty. */
  ensRegistry(): Address;
  /** `DB`, `NAME_DATABASES`, `NEW_DOMAINS_DATABASE`. */
  nameDatabases(): NameDatabases;
  /** `WEBHOOK_ALLOW_LOOPBACK`: where webhooks and other delivery services may point. */
  outboundTargets(): WebhookTargetPolicy;
  /** `PROFILE_IPFS_GATEWAY`: where `ipfs://` profile records are fetched (undefined: such records are refused). */
  ipfsGateway(): string | undefined;
  /** `RATE_LIMIT_IPV6_PREFIX_BITS` (default /64). */
  ipv6PrefixBits(): number;
  /** A `[[ratelimits]]` binding (a {@link ConfigError} when it is missing). */
  rateLimiter(name: RateLimiterName): RateLimit;
  /** A `[[ratelimits]]` binding a feature can run without (undefined when missing). */
  optionalRateLimiter(name: RateLimiterName): RateLimit | undefined;
  /** `ADMIN_TOKEN`, the bootstrap credential (undefined: no admin). */
  adminToken: string | undefined;
  /** `RELAY_QUEUE`, when bound. */
  queue: Queue<RelayWork> | undefined;
  /** `PUBLIC_RPC_URL`, `SOURCE_URL`, and the defaults the pages share with the worker. */
  pages(): PageSettings;
  /** `NOTIFY_FROM`, `NOTIFY_INTERVAL_SECONDS`, `EMAIL`: undefined when notifications are off (no `NOTIFY_FROM`). */
  notifications(): NotificationSettings | undefined;
  /** `BRIDGE_*`, `EMAIL`: undefined when the email bridge is off (no `BRIDGE_EMAIL_DOMAIN`). */
  emailBridge(): EmailBridgeSettings | undefined;
};

declare module "hono" {
  interface ContextVariableMap {
    /** The worker's settings (set for every request by the composition root). */
    settings: Settings;
  }
}

const settingsByEnv = new WeakMap<object, Settings>();

/** The worker's settings from its bindings, once per isolate (per bindings object). */
export function settingsOf(env: Env): Settings {
  let settings = settingsByEnv.get(env);
  if (!settings) {
    settings = readSettings(env);
    settingsByEnv.set(env, settings);
  }
  return settings;
}

function readSettings(env: Env): Settings {
  const variable = (name: keyof Env): string => {
    const value = (env as unknown as Record<string, unknown>)[name];
    return typeof value === "string" ? value.trim() : "";
  };
  const publicUrl = once(() => parseHttpUrl(variable("DS_URL"), "DS_URL")?.replace(/\/+$/, ""));
  const ensRegistry = once(() => parseEnsRegistry(variable("ENS_REGISTRY")));
  const dsName = variable("DS_NAME");
  const bound = env as unknown as Record<string, unknown>;
  const optionalSecret = (name: string) => (typeof bound[name] === "string" ? (bound[name] as string).trim() : "");
  return {
    gateway: once(() => parseGateway(variable("SIGNER_PRIVATE_KEY"), variable("SIGNATURE_TTL_SECONDS"))),
    answerCacheEnabled: once(() => parseSwitch(variable("ANSWER_CACHE"), "ANSWER_CACHE", ["on", "off"], "on") === "on"),
    changesRetentionDays: once(() =>
      parseWholeNumber(variable("CHANGES_RETENTION_DAYS"), "CHANGES_RETENTION_DAYS", DEFAULT_CHANGES_RETENTION_DAYS, 0, MAX_CHANGES_RETENTION_DAYS),
    ),
    dsName,
    publicUrl,
    relay: once(() =>
      parseRelaySettings({
        dsName,
        dsUrl: publicUrl(),
        signingKey: variable("DS_SIGNING_KEY"),
        encryptionKey: variable("DS_ENCRYPTION_KEY"),
        messageTtlDays: variable("MESSAGE_TTL_DAYS"),
        foreignMessageTtlDays: variable("FOREIGN_MESSAGE_TTL_DAYS"),
        foreignQuotaMessages: variable("FOREIGN_QUOTA_MESSAGES"),
        foreignQuotaBytes: variable("FOREIGN_QUOTA_BYTES"),
        sizeLimitBytes: variable("MESSAGE_SIZE_LIMIT_BYTES"),
        outboundMaxAgeSeconds: variable("OUTBOUND_MAX_AGE_SECONDS"),
      }),
    ),
    chain: once(() => {
      const rpcUrl = parseHttpUrl(variable("L1_RPC_URL"), "L1_RPC_URL");
      if (!rpcUrl) return undefined;
      const cacheSeconds = parseWholeNumber(variable("ENS_CACHE_SECONDS"), "ENS_CACHE_SECONDS", DEFAULT_ENS_CACHE_SECONDS, 0, MAX_ENS_CACHE_SECONDS);
      const universalResolver = variable("ENS_UNIVERSAL_RESOLVER")?.trim() || undefined;
      if (universalResolver && !isAddress(universalResolver, { strict: false }))
        throw new ConfigError(`ENS_UNIVERSAL_RESOLVER "${universalResolver}" is not an address`);
      return { rpcUrl, ensRegistry: ensRegistry(), cacheMs: cacheSeconds * 1000, universalResolver: universalResolver as Address | undefined };
    }),
    ensRegistry,
    nameDatabases: once(() => parseNameDatabases(env.DB, bound, variable("NAME_DATABASES"), variable("NEW_DOMAINS_DATABASE"))),
    outboundTargets: once(() => ({
      allowLoopback: parseSwitch(variable("WEBHOOK_ALLOW_LOOPBACK"), "WEBHOOK_ALLOW_LOOPBACK", ["true", "false"], "false") === "true",
    })),
    ipfsGateway: once(() => parseHttpUrl(variable("PROFILE_IPFS_GATEWAY"), "PROFILE_IPFS_GATEWAY")?.replace(/\/+$/, "")),
    ipv6PrefixBits: once(() => parseWholeNumber(variable("RATE_LIMIT_IPV6_PREFIX_BITS"), "RATE_LIMIT_IPV6_PREFIX_BITS", DEFAULT_IPV6_PREFIX_BITS, 1, 128)),
    rateLimiter(name) {
      const binding = bound[name] as RateLimit | undefined;
      if (typeof binding?.limit !== "function") throw new ConfigError(`The rate-limiting binding ${name} is missing (wrangler.toml [[ratelimits]])`);
      return binding;
    },
    optionalRateLimiter(name) {
      const binding = bound[name] as RateLimit | undefined;
      return typeof binding?.limit === "function" ? binding : undefined;
    },
    adminToken: variable("ADMIN_TOKEN") || undefined,
    queue: env.RELAY_QUEUE as Queue<RelayWork> | undefined,
    notifications: once(() => parseNotifications(variable("NOTIFY_FROM"), variable("NOTIFY_INTERVAL_SECONDS"), bound.EMAIL, publicUrl())),
    emailBridge: once(() =>
      parseEmailBridgeSettings({
        domain: variable("BRIDGE_EMAIL_DOMAIN"),
        mailDomain: variable("BRIDGE_MAIL_DOMAIN"),
        secret: variable("BRIDGE_SECRET"),
        // Set only during a rotation, so not in the generated Env.
        previousSecret: optionalSecret("BRIDGE_PREVIOUS_SECRET"),
        authservId: variable("BRIDGE_AUTHSERV_ID"),
        maxMailBytes: variable("BRIDGE_MAX_MAIL_BYTES"),
        mailer: bound.EMAIL,
        publicUrl: publicUrl(),
      }),
    ),
    pages: once(() => ({
      publicRpcUrl: variable("PUBLIC_RPC_URL"),
      ensRegistry: ensRegistry(),
      deliveryService: dsName,
      sourceUrl: variable("SOURCE_URL"),
    })),
  };
}

const DEFAULT_NOTIFY_INTERVAL_SECONDS = 15 * 60;
const MAX_NOTIFY_INTERVAL_SECONDS = 7 * 24 * 60 * 60;
const EMAIL_ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

function parseNotifications(from: string, interval: string, mailer: unknown, publicUrl: string | undefined): NotificationSettings | undefined {
  if (!from) return undefined;
  if (!EMAIL_ADDRESS.test(from)) throw new ConfigError(`NOTIFY_FROM "${from}" is not an email address`);
  if (typeof (mailer as Partial<SendEmail> | undefined)?.send !== "function") {
    throw new ConfigError("NOTIFY_FROM is set but the send_email binding EMAIL is missing (wrangler.toml [[send_email]])");
  }
  if (!publicUrl) throw new ConfigError("NOTIFY_FROM needs DS_URL: every notification carries an unsubscribe link to it");
  const intervalSeconds = parseWholeNumber(interval, "NOTIFY_INTERVAL_SECONDS", DEFAULT_NOTIFY_INTERVAL_SECONDS, 1, MAX_NOTIFY_INTERVAL_SECONDS);
  return { from, intervalMs: intervalSeconds * 1000, mailer: mailer as SendEmail, publicUrl };
}

function parseGateway(key: string, ttlSetting: string): GatewaySettings {
  if (!isHex(key) || key.length !== 66) {
    throw new ConfigError("SIGNER_PRIVATE_KEY must be a 0x-prefixed 32-byte hex secret (.dev.vars or `wrangler secret put`)");
  }
  const signatureTtlSeconds = parseWholeNumber(ttlSetting, "SIGNATURE_TTL_SECONDS", DEFAULT_SIGNATURE_TTL_SECONDS, 1, MAX_SIGNATURE_TTL_SECONDS);
  return { signer: privateKeyToAccount(key), signatureTtlSeconds };
}

function parseEnsRegistry(setting: string): Address {
  const registry = setting || DEFAULT_ENS_REGISTRY;
  if (!isAddress(registry, { strict: false })) throw new ConfigError(`ENS_REGISTRY "${registry}" is not an address`);
  return getAddress(registry);
}

/**
 * The D1 databases that hold names: the primary (`DB`) and the comma-separated bindings of
 * `NAME_DATABASES`; `NEW_DOMAINS_DATABASE` (default `DB`) is where a domain registered without a
 * choice goes.
 */
function parseNameDatabases(primary: D1Database, bound: Record<string, unknown>, listed: string, forNew: string): NameDatabases {
  const bindings = new Map<string, D1Database>([[PRIMARY_DATABASE, primary]]);
  for (const binding of listed.split(",").map((entry) => entry.trim())) {
    if (!binding || binding === PRIMARY_DATABASE) continue;
    const database = bound[binding] as Partial<D1Database> | undefined;
    if (typeof database?.prepare !== "function" || typeof database.withSession !== "function") {
      throw new ConfigError(`NAME_DATABASES lists "${binding}", which is not a D1 binding of this worker (add it to wrangler.toml's [[d1_databases]])`);
    }
    bindings.set(binding, database as D1Database);
  }
  const forNewDomains = forNew || PRIMARY_DATABASE;
  if (!bindings.has(forNewDomains)) throw new ConfigError(`NEW_DOMAINS_DATABASE "${forNewDomains}" must be DB or listed in NAME_DATABASES`);
  return { bindings, forNewDomains };
}

/** An absolute http(s) URL, or undefined when `value` is empty. */
function parseHttpUrl(value: string, name: string): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} "${value}" is not an absolute URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError(`${name} must be an http(s) URL, not ${url.protocol}`);
  return value;
}

function parseSwitch<Choice extends string>(value: string, name: string, choices: readonly Choice[], fallback: Choice): Choice {
  const chosen = value || fallback;
  if (!choices.includes(chosen as Choice)) throw new ConfigError(`${name} must be ${choices.map((choice) => `"${choice}"`).join(" or ")}`);
  return chosen as Choice;
}
