import { auditInsert } from "../db/audit";
import type { Database, Statement } from "../db/client";
import { isTriggerAbort, runBatch } from "../db/nameWrites";
import { StaleNonceError, SupersededProfileError } from "./errors";

/** Who writes, and when: every write is audited with it. */
export type AuditedWrite = { db: Database; actor: string; nowSeconds: number };

/** What an audit row says about a change (who and when come from the write). */
export type AuditEntry = { action: string; domain: string; subject: string; detail?: unknown };

/** A change's statements followed by its audit row: run them in one batch, so both commit or neither. */
export function auditedStatements(context: AuditedWrite, statements: Statement[], audit: AuditEntry): Statement[] {
  const row = auditInsert(context.db, {
    atSeconds: context.nowSeconds,
    actor: context.actor,
    action: audit.action,
    domain: audit.domain,
    subject: audit.subject,
    detail: audit.detail === undefined ? null : JSON.stringify(audit.detail),
  });
  return [...statements, row];
}

/** One audited change: the statements and the audit row commit together or not at all. */
export async function writeAudited(context: AuditedWrite, statements: Statement[], audit: AuditEntry): Promise<void> {
  try {
    await runBatch(context.db, auditedStatements(context, statements, audit));
  } catch (error) {
    throw explainWriteFailure(error, audit.subject);
  }
}

/** A write batch's failure as the client's error when a schema trigger refused it; else unchanged. */
export function explainWriteFailure(error: unknown, name: string): unknown {
  if (isTriggerAbort(error, "stale nonce")) return new StaleNonceError(name);
  if (isTriggerAbort(error, "superseded profile")) return new SupersededProfileError(name);
  return error;
}
