import { ed25519, x25519 } from "@noble/curves/ed25519";
import { sha256 } from "@noble/hashes/sha2";
import { fromBase64, toBase64 } from "../protocol/dm3/base64";
import { ConfigError } from "./ConfigError";
import { parseWholeNumber } from "./parseWholeNumber";

/** The delivery service's identity and policy, from the worker's bindings. */
export type RelaySettings = {
  dsName: string;
  /** The public base URL dm3 clients reach the relay at (`DS_URL`, required with `DS_NAME`). */
  dsUrl: string;
  signing: { publicKey: string; privateKey: string };
  encryption: { publicKey: string; privateKey: string };
  /**
   * Names served elsewhere that list this relay (anyone can): their messages are kept this long
   * (`FOREIGN_MESSAGE_TTL_DAYS`, at least dm3's 30) and each holds at most so many (`FOREIGN_QUOTA_*`).
   */
  foreign: { messageTtlDays: number; messageTtlMs: number; quotaMessages: number; quotaBytes: number };
  /** What every recipient is guaranteed (days; 0 = until acknowledged): the shorter of the two TTLs. */
  guaranteedMessageTtlDays: number;
  /** Unacknowledged messages are kept this long (`MESSAGE_TTL_DAYS`; 0 = until acknowledged). */
  messageTtlDays: number;
  messageTtlMs: number;
  sizeLimitBytes: number;
  /** Outbound messages not delivered within this long are reported failed (`OUTBOUND_MAX_AGE_SECONDS`). */
  outboundMaxAgeSeconds: number;
  /** HS256 key of challenge and session tokens, derived from the DS signing key. */
  jwtSecret: string;
};

const JWT_KEY_LABEL = "dm3 relay session tokens v1";
const DEFAULT_SIZE_LIMIT_BYTES = 100_000;
const DEFAULT_OUTBOUND_MAX_AGE_SECONDS = 3 * 24 * 60 * 60;
const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_FOREIGN_QUOTA_MESSAGES = 1_000;
const DEFAULT_FOREIGN_QUOTA_BYTES = 20 * 1024 * 1024;
/** dm3's delivery-service specification: a message TTL, when there is one, is at least 30 days. */
export const DM3_MIN_MESSAGE_TTL_DAYS = 30;

/** The relay's variables and secrets as read (trimmed strings; `dsUrl` already parsed). */
export type RelaySettingsInput = {
  dsName: string;
  dsUrl: string | undefined;
  signingKey: string;
  encryptionKey: string;
  messageTtlDays: string;
  foreignMessageTtlDays: string;
  foreignQuotaMessages: string;
  foreignQuotaBytes: string;
  sizeLimitBytes: string;
  outboundMaxAgeSeconds: string;
};

/** Parses the relay settings; a missing or malformed DS key is a {@link ConfigError}. */
export function parseRelaySettings(input: RelaySettingsInput): RelaySettings {
  const messageTtlDays = parseWholeNumber(input.messageTtlDays, "MESSAGE_TTL_DAYS", 0, 0);
  const foreignTtlDays = parseWholeNumber(input.foreignMessageTtlDays, "FOREIGN_MESSAGE_TTL_DAYS", DM3_MIN_MESSAGE_TTL_DAYS, DM3_MIN_MESSAGE_TTL_DAYS);
  if (messageTtlDays > 0 && messageTtlDays < DM3_MIN_MESSAGE_TTL_DAYS) {
    throw new ConfigError(`MESSAGE_TTL_DAYS must be 0 (keep until acknowledged) or at least ${DM3_MIN_MESSAGE_TTL_DAYS}: dm3's minimum for a delivery service`);
  }
  const signingSecret = decodeKey(input.signingKey, "DS_SIGNING_KEY", 64);
  const encryptionSecret = decodeKey(input.encryptionKey, "DS_ENCRYPTION_KEY", 32);
  const seed = signingSecret.slice(0, 32);
  if (toBase64(ed25519.getPublicKey(seed)) !== toBase64(signingSecret.slice(32))) {
    throw new ConfigError("DS_SIGNING_KEY: the public half does not match the seed (expected libsodium seed ‖ public key)");
  }
  // DS_URL goes into the signed, cached `network.dm3.deliveryService` record everyone is served,
  // so it is configuration — never taken from the Host a request happened to arrive with.
  if (!input.dsUrl) throw new ConfigError("DS_URL must be set to the relay's public base URL (e.g. https://registry.example) whenever DS_NAME is");
  return {
    dsName: input.dsName,
    dsUrl: input.dsUrl,
    signing: { publicKey: toBase64(signingSecret.slice(32)), privateKey: toBase64(signingSecret) },
    encryption: { publicKey: toBase64(x25519.getPublicKey(encryptionSecret)), privateKey: toBase64(encryptionSecret) },
    messageTtlDays,
    messageTtlMs: messageTtlDays * DAY_MS,
    foreign: {
      messageTtlDays: foreignTtlDays,
      messageTtlMs: foreignTtlDays * DAY_MS,
      quotaMessages: parseWholeNumber(input.foreignQuotaMessages, "FOREIGN_QUOTA_MESSAGES", DEFAULT_FOREIGN_QUOTA_MESSAGES, 1),
      quotaBytes: parseWholeNumber(input.foreignQuotaBytes, "FOREIGN_QUOTA_BYTES", DEFAULT_FOREIGN_QUOTA_BYTES, 1),
    },
    guaranteedMessageTtlDays: messageTtlDays === 0 ? foreignTtlDays : Math.min(messageTtlDays, foreignTtlDays),
    sizeLimitBytes: parseWholeNumber(input.sizeLimitBytes, "MESSAGE_SIZE_LIMIT_BYTES", DEFAULT_SIZE_LIMIT_BYTES, 1),
    outboundMaxAgeSeconds: parseWholeNumber(input.outboundMaxAgeSeconds, "OUTBOUND_MAX_AGE_SECONDS", DEFAULT_OUTBOUND_MAX_AGE_SECONDS, 1),
    jwtSecret: toBase64(sha256(new Uint8Array([...new TextEncoder().encode(JWT_KEY_LABEL), ...signingSecret]))),
  };
}

function decodeKey(value: string, name: string, bytes: number): Uint8Array {
  let decoded: Uint8Array;
  try {
    decoded = fromBase64(value);
  } catch {
    throw new ConfigError(`${name} must be base64 (npm run cli -- ds keys)`);
  }
  if (decoded.length !== bytes) throw new ConfigError(`${name} must be ${bytes} bytes of base64 (npm run cli -- ds keys)`);
  return decoded;
}
