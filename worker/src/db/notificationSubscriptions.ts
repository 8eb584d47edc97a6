import { and, eq, isNotNull, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "./client";
import { upTo } from "./nameLifecycle";
import { type NotificationSubscriptionRow, notificationSubscriptions } from "./schema";

/** The subscription of `name`, or undefined. */
export function findNotificationSubscription(db: Database, name: string): Promise<NotificationSubscriptionRow | undefined> {
  return db.select().from(notificationSubscriptions).where(eq(notificationSubscriptions.name, name)).get();
}

/**
 * Stores `email` for `name` as pending, with a new code (its hash), unless a code went out for the
 * name less than `resendAfterMs` ago: returns false then, and nothing changes.
 */
export async function savePendingSubscription(
  db: Database,
  row: { name: string; ownerKey: string; email: string; codeHash: string; nowMs: number; codeExpiresAtMs: number },
  resendAfterMs: number,
): Promise<boolean> {
  const pending = {
    ownerKey: row.ownerKey,
    email: row.email,
    codeHash: row.codeHash,
    codeSentAtMs: row.nowMs,
    codeExpiresAtMs: row.codeExpiresAtMs,
    codeAttempts: 0,
    confirmedAtMs: null,
    lastNotifiedAtMs: null,
  };
  const saved = await db
    .insert(notificationSubscriptions)
    .values({ name: row.name, ...pending })
    .onConflictDoUpdate({
      target: notificationSubscriptions.name,
      set: pending,
      setWhere: or(isNull(notificationSubscriptions.codeSentAtMs), lte(notificationSubscriptions.codeSentAtMs, row.nowMs - resendAfterMs)),
    })
    .returning({ name: notificationSubscriptions.name });
  return saved.length === 1;
}

/** Counts one attempt at the pending code of `name`; returns the row with this attempt counted, when a code is pending. */
export function spendCodeAttempt(db: Database, name: string): Promise<NotificationSubscriptionRow | undefined> {
  return db
    .update(notificationSubscriptions)
    .set({ codeAttempts: sql`${notificationSubscriptions.codeAttempts} + 1` })
    .where(and(eq(notificationSubscriptions.name, name), isNotNull(notificationSubscriptions.codeHash)))
    .returning()
    .get();
}

/** Confirms the pending subscription of `name` if its code is still `codeHash` (the code is spent). */
export async function confirmSubscription(db: Database, name: string, codeHash: string, nowMs: number): Promise<boolean> {
  const confirmed = await db
    .update(notificationSubscriptions)
    .set({ codeHash: null, codeExpiresAtMs: null, confirmedAtMs: nowMs })
    .where(and(eq(notificationSubscriptions.name, name), eq(notificationSubscriptions.codeHash, codeHash)))
    .returning({ name: notificationSubscriptions.name });
  return confirmed.length === 1;
}

/** Removes the subscription of `name` (optionally only while it is for `email`); returns whether one went. */
export async function deleteSubscription(db: Database, name: string, email?: string): Promise<boolean> {
  const deleted = await db
    .delete(notificationSubscriptions)
    .where(and(eq(notificationSubscriptions.name, name), email === undefined ? undefined : eq(notificationSubscriptions.email, email)))
    .returning({ name: notificationSubscriptions.name });
  return deleted.length === 1;
}

/**
 * Claims the notification of one new message for `name`: the confirmed subscription of the
 * profile key `ownerKey` whose last notification is at least `intervalMs` old is marked notified
 * now and returned; undefined when there is nothing to send (atomic: of racing messages, one wins).
 */
export function claimNotification(db: Database, name: string, ownerKey: string, nowMs: number, intervalMs: number) {
  return db
    .update(notificationSubscriptions)
    .set({ lastNotifiedAtMs: nowMs })
    .where(
      and(
        eq(notificationSubscriptions.name, name),
        eq(notificationSubscriptions.ownerKey, ownerKey),
        isNotNull(notificationSubscriptions.confirmedAtMs),
        or(isNull(notificationSubscriptions.lastNotifiedAtMs), lte(notificationSubscriptions.lastNotifiedAtMs, nowMs - intervalMs)),
      ),
    )
    .returning({ email: notificationSubscriptions.email })
    .get();
}

/** Gives back a claim whose mail could not be sent, so the next message tries again. */
export async function releaseNotification(db: Database, name: string, claimedAtMs: number): Promise<void> {
  await db
    .update(notificationSubscriptions)
    .set({ lastNotifiedAtMs: null })
    .where(and(eq(notificationSubscriptions.name, name), eq(notificationSubscriptions.lastNotifiedAtMs, claimedAtMs)));
}

/** The statement that deletes the subscriptions (set up to `beforeMs`, when given) of the names `names` yields. */
export function deleteSubscriptionsOfNames(db: Database, names: SQL, beforeMs?: number) {
  return db
    .delete(notificationSubscriptions)
    .where(and(sql`${notificationSubscriptions.name} IN ${names}`, upTo(sql`coalesce(${notificationSubscriptions.codeSentAtMs}, 0)`, beforeMs)));
}
