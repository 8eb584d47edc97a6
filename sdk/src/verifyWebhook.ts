import { hexToBytes, isHex } from "viem";
import type { OutboundMessageView } from "../../worker/src/relay/apiTypes";
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

/** What the registry POSTs to a gateway-mode webhook (switch on `type`). */
export type WebhookDelivery = WebhookMessage | WebhookOutboundReport;

const SIGNATURE_PREFIX = "sha256=";

/**
 * Whether `body` is what the registry signed for this webhook: `signature` is the
 * `X-DM3-Signature` header (`sha256=<hex HMAC-SHA256(secret, body)>`), checked with WebCrypto's
 * constant-time HMAC verification. Pass the body exactly as received (the raw text), not re-serialized.
 * The signed body carries no timestamp: de-duplicate deliveries by their `id` (`X-DM3-Delivery`),
 * which retries repeat.
 *
 * @example if (!(await verifyWebhook({ secret, body: await request.text(), signature: request.headers.get("X-DM3-Signature") }))) return new Response(null, { status: 401 });
 */
export async function verifyWebhook(options: { secret: string; body: string; signature: string | null | undefined }): Promise<boolean> {
  const { signature } = options;
  if (!signature?.startsWith(SIGNATURE_PREFIX)) return false;
  const hex = `0x${signature.slice(SIGNATURE_PREFIX.length)}` as const;
  if (!isHex(hex, { strict: true }) || hex.length !== 2 + 64) return false;
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(options.secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  return crypto.subtle.verify("HMAC", key, new Uint8Array(hexToBytes(hex)), encoder.encode(options.body));
}

/** The delivery inside a verified webhook body. */
export function parseWebhookDelivery(body: string): WebhookDelivery {
  return JSON.parse(body) as WebhookDelivery;
}
