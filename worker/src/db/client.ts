import type { BatchItem } from "drizzle-orm/batch";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import type { D1Bookmarks } from "../protocol/d1Bookmarks";
import type { D1Client, D1Clients } from "./d1Clients";

/** The drizzle handle every query function takes. */
export type Database = DrizzleD1Database;

/** One statement of a D1 batch (a transaction). */
export type Statement = BatchItem<"sqlite">;

const databaseByClient = new WeakMap<D1Client, Database>();

/**
 * Wraps a D1 binding (once per isolate) or session (once per request) in drizzle. Queries use the
 * SQL-like builder with the tables of `schema.ts`; passing the schema here would only add the
 * relational query API (and ~40 KiB to the bundle).
 */
export function createDatabase(d1: D1Client): Database {
  let db = databaseByClient.get(d1);
  if (!db) {
    // A session has D1's prepare/batch, all drizzle's D1 driver calls.
    db = drizzle(d1 as D1Database);
    databaseByClient.set(d1, db);
  }
  return db;
}

/** A database and the binding it is bound as (cursors name positions by binding). */
export type NamedDatabase = { binding: string; db: Database };

/**
 * The D1 databases of one request, by binding, in drizzle: `DB` (the directory: domains, keys, the
 * relay) and the databases domains' names live in (`DB` itself unless a domain was placed elsewhere).
 */
export type Databases = {
  /** The database bound as `binding` (the caller checks it is one of the bindings). */
  get(binding: string): Database;
  /** Every database that may hold names, by binding, `DB` first (for reads across domains, e.g. by owner). */
  all(): NamedDatabase[];
  /** Where this request's sessions got to, by binding (none when reading without sessions). */
  bookmarks(): D1Bookmarks;
};

/** {@link Databases} over `clients` (the same sessions, so one request's bookmarks cover both). */
export function createDatabases(clients: D1Clients): Databases {
  const get = (binding: string) => createDatabase(clients.client(binding));
  return {
    get,
    all: () => clients.bindings().map((binding) => ({ binding, db: get(binding) })),
    bookmarks: () => clients.bookmarks(),
  };
}
