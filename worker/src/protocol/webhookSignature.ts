import { bytesToHex } from "viem";

/** Header carrying `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`, so the service can trust the body and its time. */
export const WEBHOOK_SIGNATURE_HEADER = "X-DM3-Signature";
/** Header carrying when this attempt was sent (unix seconds), covered by the signature: old deliveries can be refused. */
export const WEBHOOK_TIMESTAMP_HEADER = "X-DM3-Timestamp";
/** Header carrying the delivery id: the same on every retry, so the service can de-duplicate. */
export const WEBHOOK_DELIVERY_HEADER = "X-DM3-Delivery";

/**
 * Hex HMAC-SHA256 of `body` with `secret` (WebCrypto: Workers, browsers and Node alike).
 *
 * @example `sha256=${await signWebhookBody(secret, body)}` // the X-DM3-Signature header value
 */
export async function signWebhookBody(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return bytesToHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)))).slice(2);
}

/** What a webhook signature covers: the attempt's time (unix seconds) and the body, `<timestamp>.<body>`. */
export const webhookSignedText = (timestampSeconds: number | string, body: string) => `${timestampSeconds}.${body}`;

/**
 * The `X-DM3-Signature` value of `body` sent at `timestampSeconds` (also sent as `X-DM3-Timestamp`).
 *
 * @example await signWebhook(secret, body, 1764835200) // "sha256=9f…"
 */
export async function signWebhook(secret: string, body: string, timestampSeconds: number): Promise<string> {
  return `sha256=${await signWebhookBody(secret, webhookSignedText(timestampSeconds, body))}`;
}
