import { and, asc, desc, eq, gt, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "./client";
import { upTo } from "./nameLifecycle";
import { type OutboundMessageRow, outboundMessages, webhookDeliveries, type WebhookDeliveryRow } from "./schema";

export type OutboundStatus = OutboundMessageRow["status"];

/** Stores a new outbound message; false when the domain already has one with this id (a repeat). */
export async function insertOutboundMessage(db: Database, row: OutboundMessageRow): Promise<boolean> {
  const inserted = await db.insert(outboundMessages).values(row).onConflictDoNothing().returning({ id: outboundMessages.id });
  return inserted.length === 1;
}

export function findOutboundMessage(db: Database, domain: string, id: string): Promise<OutboundMessageRow | undefined> {
  return db
    .select()
    .from(outboundMessages)
    .where(and(eq(outboundMessages.domain, domain), eq(outboundMessages.id, id)))
    .get();
}

/**
 * Claims a due, pending message for one attempt: its next attempt moves `leaseMs` ahead, so a
 * concurrent wake-up (queue, cron, the submit itself) finds nothing to do. Undefined when not due.
 */
export function claimOutboundMessage(db: Database, domain: string, id: string, nowMs: number, leaseMs: number): Promise<OutboundMessageRow | undefined> {
  return db
    .update(outboundMessages)
    .set({ nextAttemptAtMs: nowMs + leaseMs, attempts: sql`${outboundMessages.attempts} + 1` })
    .where(
      and(
        eq(outboundMessages.domain, domain),
        eq(outboundMessages.id, id),
        eq(outboundMessages.status, "pending"),
        lte(outboundMessages.nextAttemptAtMs, nowMs),
      ),
    )
    .returning()
    .get();
}

/** Finishes a message (delivered or failed) and queues its report for the webhook, in one batch. */
export async function finishOutboundMessage(
  db: Database,
  key: { domain: string; id: string },
  outcome: { status: "delivered" | "failed"; deliveredBy: string | null; lastError: string | null; nowMs: number },
  report: WebhookDeliveryRow | undefined,
): Promise<void> {
  const update = db
    .update(outboundMessages)
    .set({ status: outcome.status, deliveredBy: outcome.deliveredBy, lastError: outcome.lastError, finishedAtMs: outcome.nowMs })
    .where(and(eq(outboundMessages.domain, key.domain), eq(outboundMessages.id, key.id)));
  if (report) await db.batch([update, db.insert(webhookDeliveries).values(report)]);
  else await update;
}

/** Records a failed attempt and when to try again. */
export async function rescheduleOutboundMessage(db: Database, key: { domain: string; id: string }, nextAttemptAtMs: number, lastError: string): Promise<void> {
  await db
    .update(outboundMessages)
    .set({ nextAttemptAtMs, lastError })
    .where(and(eq(outboundMessages.domain, key.domain), eq(outboundMessages.id, key.id), eq(outboundMessages.status, "pending")));
}

/** Pending messages whose attempt is due (the cron's sweep, in case a wake-up was lost). */
export function listDueOutboundMessages(db: Database, nowMs: number, limit: number): Promise<{ domain: string; id: string }[]> {
  return db
    .select({ domain: outboundMessages.domain, id: outboundMessages.id })
    .from(outboundMessages)
    .where(and(eq(outboundMessages.status, "pending"), lte(outboundMessages.nextAttemptAtMs, nowMs)))
    .orderBy(asc(outboundMessages.nextAttemptAtMs))
    .limit(limit)
    .all();
}

/** A domain's outbound messages, newest first, optionally of one status; paged by creation time. */
export function listDomainOutboundMessages(
  db: Database,
  query: { domain: string; status?: OutboundStatus; before?: { createdAtMs: number; id: string }; limit: number },
): Promise<OutboundMessageRow[]> {
  return db
    .select()
    .from(outboundMessages)
    .where(
      and(
        eq(outboundMessages.domain, query.domain),
        query.status === undefined ? undefined : eq(outboundMessages.status, query.status),
        query.before === undefined
          ? undefined
          : or(
              lt(outboundMessages.createdAtMs, query.before.createdAtMs),
              and(eq(outboundMessages.createdAtMs, query.before.createdAtMs), lt(outboundMessages.id, query.before.id)),
            ),
      ),
    )
    .orderBy(desc(outboundMessages.createdAtMs), desc(outboundMessages.id))
    .limit(query.limit)
    .all();
}

/** Forgets finished messages older than `beforeMs` (the cron); pending ones stay until they finish. */
export async function deleteFinishedOutboundMessages(db: Database, beforeMs: number): Promise<number> {
  const deleted = await db
    .delete(outboundMessages)
    .where(and(sql`${outboundMessages.status} <> 'pending'`, gt(outboundMessages.finishedAtMs, 0), lt(outboundMessages.finishedAtMs, beforeMs)))
    .returning({ id: outboundMessages.id });
  return deleted.length;
}

/** The statement that drops the undelivered outbound messages (sent up to `beforeMs`, when given) of the names `senders` yields. */
export function deletePendingOutboundOfSenders(db: Database, senders: SQL, beforeMs?: number) {
  return db
    .delete(outboundMessages)
    .where(and(eq(outboundMessages.status, "pending"), sql`${outboundMessages.sender} IN ${senders}`, upTo(outboundMessages.createdAtMs, beforeMs)));
}
