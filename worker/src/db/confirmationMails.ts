import { and, count, eq, gt, lt, sql } from "drizzle-orm";
import type { Database } from "./client";
import { confirmationMails } from "./schema";

/**
 * Notes one confirmation mail to the address `emailHash` stands for, unless `max` went there within
 * `windowMs` already: then returns false and notes nothing (one statement: racing requests cannot
 * both pass the last place).
 */
export async function recordConfirmationMail(db: Database, emailHash: string, nowMs: number, windowMs: number, max: number): Promise<boolean> {
  const recent = db
    .select({ sent: count() })
    .from(confirmationMails)
    .where(and(eq(confirmationMails.emailHash, emailHash), gt(confirmationMails.sentAtMs, nowMs - windowMs)));
  const recorded = await db
    .insert(confirmationMails)
    .select(sql`SELECT ${emailHash}, ${nowMs} WHERE (${recent}) < ${max}`)
    .returning({ emailHash: confirmationMails.emailHash });
  return recorded.length === 1;
}

/** Forgets confirmation mails sent before `beforeMs`. */
export async function deleteConfirmationMailsBefore(db: Database, beforeMs: number): Promise<void> {
  await db.delete(confirmationMails).where(lt(confirmationMails.sentAtMs, beforeMs));
}
