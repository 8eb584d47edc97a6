import { fillPlaceholders } from "drizzle-orm";
import type { Database } from "./client";

/** A query drizzle can render to SQL (its builders), with `sql.placeholder(…)` for the values. */
type Renderable = { toSQL(): { sql: string; params: unknown[] } };

/**
 * A query written with drizzle's builder, rendered to SQL once per isolate and then run straight
 * on the D1 binding or session: for the gateway's per-lookup reads, where building the same SQL
 * again (and drizzle's per-query tracing and cache layers) costs more than the read. Values go
 * in by placeholder name; rows come back as D1 gives them (keyed by column name).
 *
 * @example const byNode = precompiled((db) => db.select({ value: t.value }).from(t).where(eq(t.node, sql.placeholder("node"))));
 *          await byNode(db, { node }).first<{ value: string }>();
 */
export function precompiled(build: (db: Database) => Renderable): (db: Database, values: Record<string, unknown>) => D1PreparedStatement {
  let rendered: { sql: string; params: unknown[] } | undefined;
  return (db, values) => {
    rendered ??= build(db).toSQL();
    // drizzle's D1 driver keeps the binding (or session) it wraps as `$client`.
    const client = (db as Database & { $client: Pick<D1Database, "prepare"> }).$client;
    return client.prepare(rendered.sql).bind(...fillPlaceholders(rendered.params, values));
  };
}
