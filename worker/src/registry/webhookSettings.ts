import { bytesToHex } from "viem";
import { domainWebhookUpdate } from "../db/domains";
import type { Database } from "../db/client";
import { listDomainWebhookDeliveries } from "../db/webhookDeliveries";
import { type WriteContext, writeAudited } from "./names";

const SECRET_BYTES = 32;
const QUEUE_PAGE = 500;

/**
 * Puts `domain` in gateway mode: its envelopes go to `url`, signed with a fresh HMAC secret that
 * is returned here once. Setting it again rotates the secret.
 */
export async function setWebhook(context: WriteContext, domain: string, url: string): Promise<{ domain: string; url: string; secret: string }> {
  const secret = bytesToHex(crypto.getRandomValues(new Uint8Array(SECRET_BYTES))).slice(2);
  await writeAudited(context, [domainWebhookUpdate(context.db, domain, { url, secret })], {
    action: "domain.webhook.set",
    domain,
    subject: domain,
    detail: { url },
  });
  return { domain, url, secret };
}

/** Takes `domain` out of gateway mode; queued deliveries stay queued (visible, retried if set again). */
export async function removeWebhook(context: WriteContext, domain: string): Promise<void> {
  await writeAudited(context, [domainWebhookUpdate(context.db, domain, null)], { action: "domain.webhook.remove", domain, subject: domain });
}

/** The admin's view of the queue: what is waiting, how often it failed, and why. */
export async function listWebhookQueue(db: Database, domain: string) {
  return (await listDomainWebhookDeliveries(db, domain, QUEUE_PAGE)).map(({ body: _body, ...row }) => row);
}
