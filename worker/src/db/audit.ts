import { and, desc, eq, lt } from "drizzle-orm";
import { chunk, rowsPerStatement } from "./boundParameters";
import type { Database } from "./client";
import { type AuditRow, auditLog } from "./schema";

/** The insert of one audit row, to put in the same batch as the change it records. */
export function auditInsert(db: Database, row: AuditRow) {
  return db.insert(auditLog).values(row);
}

/** The inserts of many audit rows (multi-row statements within D1's bound-parameter limit). */
export function auditInserts(db: Database, rows: AuditRow[]) {
  // Every column is bound, the autoincrement id included: 7 per row.
  return chunk(rows, rowsPerStatement(7)).map((group) => db.insert(auditLog).values(group));
}

/** A domain's audit trail, newest first, `limit` rows before the row id `beforeId`. */
export function listAudit(db: Database, domain: string, limit: number, beforeId?: number) {
  const where = beforeId === undefined ? eq(auditLog.domain, domain) : and(eq(auditLog.domain, domain), lt(auditLog.id, beforeId));
  return db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(limit).all();
}
