import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";

/** The drizzle handle every query function takes. */
export type Database = DrizzleD1Database;

const databaseByBinding = new WeakMap<D1Database, Database>();

/**
 * Wraps a D1 binding in drizzle, once per binding per isolate (every lookup needs it). Queries use
 * the SQL-like builder with the tables of `schema.ts`; passing the schema here would only add the
 * relational query API (and ~40 KiB to the bundle).
 */
export function createDatabase(d1: D1Database): Database {
  let db = databaseByBinding.get(d1);
  if (!db) {
    db = drizzle(d1);
    databaseByBinding.set(d1, db);
  }
  return db;
}
