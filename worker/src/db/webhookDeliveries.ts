import { and, asc, eq, lte, min, type SQL, sql } from "drizzle-orm";
import type { Database } from "./client";
import { upTo } from "./nameLifecycle";
import { type WebhookDeliveryRow, webhookDeliveries } from "./schema";

/** Queues one delivery. */
export async function insertWebhookDelivery(db: Database, row: WebhookDeliveryRow): Promise<void> {
  await db.insert(webhookDeliveries).values(row);
}

/** Deliveries whose next attempt is due, oldest first. */
export function listDueWebhookDeliveries(db: Database, nowMs: number, limit: number): Promise<WebhookDeliveryRow[]> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(lte(webhookDeliveries.nextAttemptAtMs, nowMs))
    .orderBy(asc(webhookDeliveries.nextAttemptAtMs))
    .limit(limit)
    .all();
}

/** A domain's queue, for the admin (bodies included: they are ciphertexts). */
export function listDomainWebhookDeliveries(db: Database, domain: string, limit: number): Promise<WebhookDeliveryRow[]> {
  return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.domain, domain)).orderBy(asc(webhookDeliveries.createdAtMs)).limit(limit).all();
}

/** Removes a delivered entry. */
export async function deleteWebhookDelivery(db: Database, id: string): Promise<void> {
  await db.delete(webhookDeliveries).where(eq(webhookDeliveries.id, id));
}

/** Records a failed attempt and when to try again. */
export async function rescheduleWebhookDelivery(db: Database, id: string, attempts: number, nextAttemptAtMs: number, lastError: string): Promise<void> {
  await db.update(webhookDeliveries).set({ attempts, nextAttemptAtMs, lastError }).where(eq(webhookDeliveries.id, id));
}

/** When the earliest queued delivery is due, or undefined when the queue is empty. */
export async function findNextWebhookAttemptMs(db: Database): Promise<number | undefined> {
  const row = await db
    .select({ next: min(webhookDeliveries.nextAttemptAtMs) })
    .from(webhookDeliveries)
    .get();
  return row?.next ?? undefined;
}

/** The statement that deletes the queued deliveries (queued up to `beforeMs`, when given) concerning the names `recipients` yields. */
export function deleteWebhookDeliveriesOfRecipients(db: Database, recipients: SQL, beforeMs?: number) {
  return db.delete(webhookDeliveries).where(and(sql`${webhookDeliveries.recipient} IN ${recipients}`, upTo(webhookDeliveries.createdAtMs, beforeMs)));
}
