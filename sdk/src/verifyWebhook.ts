import { hexToBytes, isHex } from "viem";
import type { OutboundMessageView } from "../../worker/src/relay/apiTypes";
import { webhookSignedText } from "../../worker/src/protocol/webhookSignature";
import type { DeliveredEnvelope } from "./dm3/messages";

/** A gateway-mode webhook event: an envelope for one of the domain's users, opened like a pickup. */
export type WebhookMessage = {
  /** The same on every retry (also in `X-DM3-Delivery`): de-duplicate on it. */
  id: string;
  type: "message";
  recipient: string;
  /** Postmarked by the delivery service, delivery information opened, like a pickup. */
  envelope: DeliveredEnvelope & { postmark: string };
  receivedAtMs: number;
};

/** A webhook event: how one of the domain's outbound messages ended (`delivered` or `failed`). */
export type WebhookOutboundReport = {
  id: string;
  type: "delivered" | "failed";
  /** The domain's user who sent it. */
  recipient: string;
  outbound: OutboundMessageView;
  receivedAtMs: number;
};

/**
 * A webhook event about the domain itself, from the resolver guard: its parent name no longer
 * reaches the resolver the gateway signs for (or is close to expiry), with the transaction that
 * fixes it — or, `resolver_restored`, it is right again.
 */
export type WebhookResolverReport = {
  id: string;
  type: "resolver_lost" | "resolver_restored";
  /** The domain (also `domain`). */
  recipient: string;
  domain: string;
  /** `resolver_lost`: what is wrong, in words. */
  problem?: string;
  /** `resolver_lost` of a resolver: the transaction its owner sends (`to`, `data`) and the CLI command. */
  fix?: { to: string; data: string; description: string } | null;
  receivedAtMs: number;
};

/** What the registry POSTs to a gateway-mode webhook (switch on `type`). */
export type WebhookDelivery = WebhookMessage | WebhookOutboundReport | WebhookResolverReport;

const SIGNATURE_PREFIX = "sha256=";
/** How old (or how far ahead of the receiver's clock) a delivery may be, by default: 5 minutes. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Why {@link verifyWebhook} refused a delivery. */
export type WebhookRefusal = "bad_signature" | "missing_timestamp" | "too_old" | "from_the_future";

/** The outcome of {@link verifyWebhook}: valid, or refused with the reason and a sentence for the log. */
export type WebhookVerification = { valid: true; timestampSeconds: number } | { valid: false; reason: WebhookRefusal; message: string };

/**
 * Whether a webhook delivery is the registry's and fresh: `signature` is the `X-DM3-Signature`
 * header (`sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`), `timestamp` the
 * `X-DM3-Timestamp` header (unix seconds of that attempt, covered by the signature), checked with
 * WebCrypto's constant-time HMAC verification; a delivery more than `toleranceSeconds` (default 5
 * minutes) older or newer than `nowMs` is refused, so a captured delivery cannot be replayed later.
 * Pass the body exactly as received (the raw text). Retries are signed afresh; de-duplicate them by
 * the delivery `id` (`X-DM3-Delivery`).
 *
 * @example
 * const check = await verifyWebhook({ secret, body: await request.text(), signature: request.headers.get("X-DM3-Signature"), timestamp: request.headers.get("X-DM3-Timestamp") });
 * if (!check.valid) return new Response(check.message, { status: 401 });
 */
export async function verifyWebhook(options: {
  secret: string;
  body: string;
  signature: string | null | undefined;
  timestamp: string | null | undefined;
  toleranceSeconds?: number;
  nowMs?: number;
}): Promise<WebhookVerification> {
  const refuse = (reason: WebhookRefusal, message: string): WebhookVerification => ({ valid: false, reason, message });
  const { signature, timestamp } = options;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return refuse("missing_timestamp", "X-DM3-Timestamp is missing or not unix seconds");
  if (!signature?.startsWith(SIGNATURE_PREFIX)) return refuse("bad_signature", "X-DM3-Signature is missing or not sha256=<hex>");
  const hex = `0x${signature.slice(SIGNATURE_PREFIX.length)}` as const;
  if (!isHex(hex, { strict: true }) || hex.length !== 2 + 64) return refuse("bad_signature", "X-DM3-Signature is not sha256=<64 hex digits>");
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(options.secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  if (!(await crypto.subtle.verify("HMAC", key, new Uint8Array(hexToBytes(hex)), encoder.encode(webhookSignedText(timestamp, options.body))))) {
    return refuse("bad_signature", "the signature does not match the body and timestamp under this secret");
  }
  const timestampSeconds = Number(timestamp);
  const ageSeconds = Math.floor((options.nowMs ?? Date.now()) / 1000) - timestampSeconds;
  const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  if (ageSeconds > tolerance) return refuse("too_old", `sent ${ageSeconds} s ago, more than the ${tolerance} s tolerated: a replay, or a clock far behind`);
  if (-ageSeconds > tolerance) return refuse("from_the_future", `stamped ${-ageSeconds} s ahead of this clock, more than the ${tolerance} s tolerated`);
  return { valid: true, timestampSeconds };
}

/** The delivery inside a verified webhook body. */
export function parseWebhookDelivery(body: string): WebhookDelivery {
  return JSON.parse(body) as WebhookDelivery;
}
