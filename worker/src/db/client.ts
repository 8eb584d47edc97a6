import type { BatchItem } from "drizzle-orm/batch";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import type { D1Bookmarks } from "../protocol/d1Bookmarks";

/** The drizzle handle every query function takes. */
export type Database = DrizzleD1Database;

/** One statement of a D1 batch (a transaction). */
export type Statement = BatchItem<"sqlite">;

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

/** A database and the binding it is bound as (cursors name positions by binding). */
export type NamedDatabase = { binding: string; db: Database };

/**
 * The D1 databases of one request, by binding: `DB` (the directory: domains, keys, the relay) and
 * the databases domains' names live in (`DB` itself unless a domain was placed elsewhere).
 */
export type Databases = {
  /** The database bound as `binding` (the caller checks it is one of `bindings`). */
  get(binding: string): Database;
  /** Every database that may hold names, by binding, `DB` first (for reads across domains, e.g. by owner). */
  all(): NamedDatabase[];
  /** Where this request's sessions got to, by binding (none when reading without sessions). */
  bookmarks(): D1Bookmarks;
};

/**
 * The request's databases over `bindings`: each read through a D1 session starting at the
 * request's bookmark for it when `sessions` is given (requests), or directly (crons, queues).
 * Sessions are opened on first use, so a request pays only for the databases it touches.
 */
export function createDatabases(bindings: ReadonlyMap<string, D1Database>, sessions?: D1Bookmarks): Databases {
  const opened = new Map<string, D1Session>();
  const get = (binding: string): Database => {
    const d1 = bindings.get(binding);
    if (!d1) throw new Error(`no D1 binding "${binding}"`);
    if (!sessions) return createDatabase(d1);
    let session = opened.get(binding);
    if (!session) {
      session = createSession(d1, sessions.get(binding));
      opened.set(binding, session);
    }
    return session.db;
  };
  return {
    get,
    all: () => [...bindings.keys()].map((binding) => ({ binding, db: get(binding) })),
    bookmarks: () => {
      const bookmarks: D1Bookmarks = new Map();
      for (const [binding, session] of opened) {
        const bookmark = session.bookmark();
        if (bookmark) bookmarks.set(binding, bookmark);
      }
      return bookmarks;
    },
  };
}
