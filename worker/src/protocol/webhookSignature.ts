import { bytesToHex } from "viem";

/** Header carrying `sha256=<hex HMAC-SHA256(secret, body)>`, so the service can trust the body. */
export const WEBHOOK_SIGNATURE_HEADER = "X-DM3-Signature";
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
