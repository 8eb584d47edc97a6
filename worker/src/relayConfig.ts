import { ed25519, x25519 } from "@noble/curves/ed25519";
import { sha256 } from "@noble/hashes/sha2";
import { fromBase64, toBase64 } from "./protocol/dm3/base64";
import { ConfigError } from "./env";

/** The delivery service's identity and policy, from the worker's bindings. */
export type RelayConfig = {
  dsName: string;
  /** The public base URL dm3 clients reach the relay at (`DS_URL`, required with `DS_NAME`). */
  dsUrl: string;
  signing: { publicKey: string; privateKey: string };
  encryption: { publicKey: string; privateKey: string };
  messageTtlMs: number;
  sizeLimitBytes: number;
  /** Outbound messages not delivered within this long are reported failed (`OUTBOUND_MAX_AGE_SECONDS`). */
  outboundMaxAgeSeconds: number;
  /** HS256 key of challenge and session tokens, derived from the DS signing key. */
  jwtSecret: string;
};

const configByEnv = new WeakMap<object, RelayConfig>();
const JWT_KEY_LABEL = "dm3 relay session tokens v1";
const DEFAULT_OUTBOUND_MAX_AGE_SECONDS = 3 * 24 * 60 * 60;

/** Parses the relay settings once per isolate; a missing or malformed DS key is a 500 ConfigError. */
export function parseRelayConfig(env: Env): RelayConfig {
  const cached = configByEnv.get(env);
  if (cached) return cached;
  const signingSecret = decode(env.DS_SIGNING_KEY, "DS_SIGNING_KEY", 64);
  const encryptionSecret = decode(env.DS_ENCRYPTION_KEY, "DS_ENCRYPTION_KEY", 32);
  const seed = signingSecret.slice(0, 32);
  if (toBase64(ed25519.getPublicKey(seed)) !== toBase64(signingSecret.slice(32))) {
    throw new ConfigError("DS_SIGNING_KEY: the public half does not match the seed (expected libsodium seed ‖ public key)");
  }
  const messageTtlMs = Number(env.MESSAGE_TTL_MS ?? 0);
  const sizeLimitBytes = Number(env.MESSAGE_SIZE_LIMIT_BYTES ?? 100_000);
  if (!Number.isSafeInteger(messageTtlMs) || messageTtlMs < 0) throw new ConfigError("MESSAGE_TTL_MS must be a whole number ≥ 0");
  if (!Number.isSafeInteger(sizeLimitBytes) || sizeLimitBytes <= 0) throw new ConfigError("MESSAGE_SIZE_LIMIT_BYTES must be positive");
  const outboundMaxAgeSeconds = Number(env.OUTBOUND_MAX_AGE_SECONDS ?? DEFAULT_OUTBOUND_MAX_AGE_SECONDS);
  if (!Number.isSafeInteger(outboundMaxAgeSeconds) || outboundMaxAgeSeconds <= 0)
    throw new ConfigError("OUTBOUND_MAX_AGE_SECONDS must be a positive whole number");
  const config: RelayConfig = {
    dsName: env.DS_NAME ?? "",
    dsUrl: parseDsUrl(env.DS_URL ?? ""),
    signing: { publicKey: toBase64(signingSecret.slice(32)), privateKey: toBase64(signingSecret) },
    encryption: { publicKey: toBase64(x25519.getPublicKey(encryptionSecret)), privateKey: toBase64(encryptionSecret) },
    messageTtlMs,
    sizeLimitBytes,
    outboundMaxAgeSeconds,
    jwtSecret: toBase64(sha256(new Uint8Array([...new TextEncoder().encode(JWT_KEY_LABEL), ...signingSecret]))),
  };
  configByEnv.set(env, config);
  return config;
}

/**
 * `DS_URL`: it goes into the signed, cached `network.dm3.deliveryService` record everyone is served,
 * so it is configuration — never taken from the Host a request happened to arrive with.
 */
function parseDsUrl(value: string): string {
  const trimmed = value.trim().replace(/\/$/, "");
  if (!trimmed) throw new ConfigError("DS_URL must be set to the relay's public base URL (e.g. https://registry.example) whenever DS_NAME is");
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new ConfigError(`DS_URL "${trimmed}" is not an absolute URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError(`DS_URL must be an http(s) URL, not ${url.protocol}`);
  return trimmed;
}

function decode(value: string | undefined, name: string, bytes: number): Uint8Array {
  let decoded: Uint8Array;
  try {
    decoded = fromBase64((value ?? "").trim());
  } catch {
    throw new ConfigError(`${name} must be base64 (npm run cli -- ds keys)`);
  }
  if (decoded.length !== bytes) throw new ConfigError(`${name} must be ${bytes} bytes of base64 (npm run cli -- ds keys)`);
  return decoded;
}
