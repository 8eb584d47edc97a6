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

/**
 * A D1 session (read replication): reads may go to a nearby replica, but never to one older than
 * `bookmark` (the point a client last saw, e.g. its own write); without one, any replica will do.
 * Writes always go to the primary. {@link D1Session.bookmark} is where this session got to.
 *
 * @see https://developers.cloudflare.com/d1/best-practices/read-replication/
 */
export type D1Session = { db: Database; bookmark(): string | null };

export function createSession(d1: D1Database, bookmark: string | undefined): D1Session {
  const session = d1.withSession(bookmark ?? "first-unconstrained");
  // The session has D1's prepare/batch, all drizzle's D1 driver calls.
  return { db: drizzle(session as unknown as D1Database), bookmark: () => session.getBookmark() };
}
