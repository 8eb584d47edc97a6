import { bytesToHex } from "viem";
import { domainWebhookUpdate } from "../db/domains";
import { InvalidInputError } from "../http/validate";
import { type WebhookTargetPolicy, webhookTargetProblem } from "../net/webhookTargetProblem";
import type { WebhookSettings } from "./apiTypes";
import { type AuditedWrite, writeAudited } from "./writeAudited";

const SECRET_BYTES = 32;

/** Writes to a domain's settings in the directory; the isolate's domain list is told. */
export type DomainSettingsWrite = AuditedWrite & { domainsChanged(): void };

/**
 * Puts `domain` in gateway mode: its envelopes go to `url` (400 when the target policy refuses it),
 * signed with a fresh HMAC secret that is returned here once. Setting it again rotates the secret.
 */
export async function setWebhook(context: DomainSettingsWrite, domain: string, url: string, targets: WebhookTargetPolicy): Promise<WebhookSettings> {
  const refused = webhookTargetProblem(url, targets);
  if (refused) throw new InvalidInputError(`url: a webhook must not point at ${refused}`);
  const secret = bytesToHex(crypto.getRandomValues(new Uint8Array(SECRET_BYTES))).slice(2);
  await writeAudited(context, [domainWebhookUpdate(context.db, domain, { url, secret })], {
    action: "domain.webhook.set",
    domain,
    subject: domain,
    detail: { url },
  });
  context.domainsChanged();
  return { domain, url, secret };
}

/** Takes `domain` out of gateway mode; queued deliveries stay queued (visible, retried if set again). */
export async function removeWebhook(context: DomainSettingsWrite, domain: string): Promise<void> {
  await writeAudited(context, [domainWebhookUpdate(context.db, domain, null)], { action: "domain.webhook.remove", domain, subject: domain });
  context.domainsChanged();
}
