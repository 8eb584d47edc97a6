import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";

/** The drizzle handle every query function takes. */
export type Database = DrizzleD1Database;

/**
 * Wraps a D1 binding in drizzle. Queries use the SQL-like builder with the tables of `schema.ts`;
 * passing the schema here would only add the relational query API (and ~40 KiB to the bundle).
 */
export function createDatabase(d1: D1Database): Database {
  return drizzle(d1);
}
