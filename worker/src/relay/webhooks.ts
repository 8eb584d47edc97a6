import { signWebhook, WEBHOOK_DELIVERY_HEADER, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from "../protocol/webhookSignature";
import type { Database } from "../db/client";
import { webhookTargetProblem } from "../net/webhookTargetProblem";
import { findDomainWebhook } from "../db/domains";
import {
  deleteWebhookDelivery,
  insertWebhookDelivery,
  listDomainWebhookDeliveries,
  listDueWebhookDeliveries,
  rescheduleWebhookDelivery,
} from "../db/webhookDeliveries";
import type { WebhookDeliveryRow } from "../db/schema";
import type { OutboundTransport } from "../net/OutboundTransport";
import { exponentialBackoffMs } from "../shared/exponentialBackoffMs";

const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60 * 1000;
const ATTEMPT_TIMEOUT_MS = 10_000;
const QUEUE_PAGE = 500;

/** Exponential backoff after the `attempts`-th failure: 30 s, 1 min, 2 min, … capped at 1 h. */
export function webhookBackoffMs(attempts: number): number {
  return exponentialBackoffMs(attempts, FIRST_RETRY_MS, MAX_RETRY_MS);
}

/** Queues an envelope for `domain`'s webhook; it stays queued until the webhook answers 2xx. */
export async function enqueueWebhookDelivery(db: Database, delivery: { domain: string; recipient: string; envelope: unknown }, nowMs: number): Promise<string> {
  const row = webhookReport({ domain: delivery.domain, recipient: delivery.recipient, type: "message", payload: { envelope: delivery.envelope } }, nowMs);
  await insertWebhookDelivery(db, row);
  return row.id;
}

/** What a webhook delivery is about. */
export type WebhookEventType = "message" | "delivered" | "failed" | "resolver_lost" | "resolver_restored";

/**
 * Queues an event about the domain itself for its webhook (gateway mode only: a domain without a
 * webhook has nobody to tell): `resolver_lost` with the problem and the transaction that fixes it,
 * `resolver_restored` once the chain is right again. Returns whether it was queued.
 */
export async function enqueueDomainEvent(
  db: Database,
  domain: { name: string; webhookUrl: string | null },
  type: Extract<WebhookEventType, "resolver_lost" | "resolver_restored">,
  payload: Record<string, unknown>,
  nowMs: number,
): Promise<boolean> {
  if (!domain.webhookUrl) return false;
  await insertWebhookDelivery(db, webhookReport({ domain: domain.name, recipient: domain.name, type, payload: { domain: domain.name, ...payload } }, nowMs));
  return true;
}

/**
 * A webhook event for `domain`, ready to queue: `message` (an envelope for one of its users), an
 * outbound message's outcome (`delivered` / `failed`), or the domain's resolver guard's finding. `recipient` is the domain's user it concerns
 * (its entries go when that name is deleted). Every body carries `id`, `type` and `receivedAtMs`.
 */
export function webhookReport(
  event: { domain: string; recipient: string; type: WebhookEventType; payload: Record<string, unknown> },
  nowMs: number,
): WebhookDeliveryRow {
  const id = crypto.randomUUID();
  const body = JSON.stringify({ id, type: event.type, recipient: event.recipient, ...event.payload, receivedAtMs: nowMs });
  return { id, domain: event.domain, recipient: event.recipient, body, attempts: 0, nextAttemptAtMs: nowMs, lastError: null, createdAtMs: nowMs };
}

/** How deliveries leave: the fetch to use and where a webhook may point. */
export type WebhookTransport = OutboundTransport;

/**
 * POSTs due deliveries to their domain's webhook (HMAC-signed). A 2xx removes the entry; anything
 * else (a network error, a redirect — never followed —, a webhook that points where webhooks may
 * not, or a removed webhook) keeps it, with the error and the next attempt time — nothing is lost. After a domain's webhook fails once in a run, its other due
 * entries wait for the next run untried: one broken endpoint costs one timeout per run, and
 * other domains' deliveries are not held up behind it.
 */
export async function deliverDueWebhooks(
  db: Database,
  transport: WebhookTransport,
  nowMs: number,
  limit = 50,
): Promise<{ delivered: number; failed: number; deferred: number }> {
  let delivered = 0;
  let failed = 0;
  let deferred = 0;
  const failing = new Map<string, string>();
  for (const row of await listDueWebhookDeliveries(db, nowMs, limit)) {
    const knownFailure = failing.get(row.domain);
    if (knownFailure !== undefined) {
      // Not an attempt: the backoff does not grow, the entry is simply next in line.
      await rescheduleWebhookDelivery(db, row.id, row.attempts, nowMs + webhookBackoffMs(1), `not tried: ${knownFailure}`);
      deferred++;
      continue;
    }
    const error = await attempt(db, transport, row, nowMs);
    if (error === undefined) {
      await deleteWebhookDelivery(db, row.id);
      delivered++;
    } else {
      failing.set(row.domain, error);
      await rescheduleWebhookDelivery(db, row.id, row.attempts + 1, nowMs + webhookBackoffMs(row.attempts + 1), error);
      failed++;
    }
  }
  return { delivered, failed, deferred };
}

async function attempt(
  db: Database,
  transport: WebhookTransport,
  delivery: { domain: string; id: string; body: string },
  nowMs: number,
): Promise<string | undefined> {
  const { domain, id, body } = delivery;
  const webhook = await findDomainWebhook(db, domain);
  if (!webhook) return "the domain has no webhook configured";
  // Checked again on every attempt: a URL stored before a policy change, or restored from a backup.
  const refused = webhookTargetProblem(webhook.url, transport.targets);
  if (refused) return `not sent: the webhook points at ${refused}`;
  // Called unbound: workerd's fetch throws "Illegal invocation" with any other `this`.
  const send = transport.fetch;
  const timestampSeconds = Math.floor(nowMs / 1000);
  try {
    const response = await send(webhook.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        // Each attempt signs its own time: a receiver refuses a captured delivery replayed later.
        [WEBHOOK_TIMESTAMP_HEADER]: String(timestampSeconds),
        [WEBHOOK_SIGNATURE_HEADER]: await signWebhook(webhook.secret, body, timestampSeconds),
        [WEBHOOK_DELIVERY_HEADER]: id,
      },
      body,
      // A webhook goes where the admin said: a redirect is a failed attempt, not a new target.
      redirect: "manual",
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (response.status >= 300 && response.status < 400) {
      return `HTTP ${response.status} redirect to ${response.headers.get("Location") ?? "(no Location)"} (redirects are not followed)`;
    }
    return response.ok ? undefined : `HTTP ${response.status}`;
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}

/** The admin's view of a domain's queue: what is waiting, how often it failed, and why (not the envelopes). */
export async function listWebhookQueue(db: Database, domain: string) {
  return (await listDomainWebhookDeliveries(db, domain, QUEUE_PAGE)).map(({ body: _body, ...row }) => row);
}
