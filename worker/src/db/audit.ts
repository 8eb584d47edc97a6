import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Database } from "./client";
import { jsonColumn, jsonRows } from "./jsonRows";
import { type AuditRow, auditLog } from "./schema";

/** The insert of one audit row, to put in the same batch as the change it records. */
export function auditInsert(db: Database, row: AuditRow) {
  return db.insert(auditLog).values(row);
}

/** The insert of many audit rows: one statement, the rows bound as one JSON parameter (`json_each`). */
export function auditInserts(db: Database, rows: AuditRow[]) {
  const values = rows.map((row) => [row.atSeconds, row.actor, row.action, row.domain, row.subject, row.detail ?? null]);
  return [
    db.insert(auditLog).select(
      db
        .select({
          // NULL into an INTEGER PRIMARY KEY takes the next id.
          id: sql<number>`NULL`.as("id"),
          atSeconds: sql<number>`${jsonColumn(0)}`.as("at"),
          actor: sql<string>`${jsonColumn(1)}`.as("actor"),
          action: sql<string>`${jsonColumn(2)}`.as("action"),
          domain: sql<string>`${jsonColumn(3)}`.as("domain"),
          subject: sql<string>`${jsonColumn(4)}`.as("subject"),
          detail: sql<string | null>`${jsonColumn(5)}`.as("detail"),
        })
        // In the given order: the audit trail lists rows by id.
        .from(jsonRows(values))
        .orderBy(sql`j.key`),
    ),
  ];
}

/** A domain's audit trail, newest first, `limit` rows before the row id `beforeId`. */
export function listAudit(db: Database, domain: string, limit: number, beforeId?: number) {
  const where = beforeId === undefined ? eq(auditLog.domain, domain) : and(eq(auditLog.domain, domain), lt(auditLog.id, beforeId));
  return db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(limit).all();
}
