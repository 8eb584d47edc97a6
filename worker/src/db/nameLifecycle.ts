import { asc, lte, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { Database, Statement } from "./client";
import { type NameLifecycleEventRow, nameLifecycleEvents } from "./schema";

/**
 * What the registry announces about names to the features that keep data about them (the relay's
 * messages and rules today, the email bridge's virtual users next). Each feature answers from its
 * own folder with statements over its own tables in `db`, the database its data lives in.
 *
 * `names` is SQL for a parenthesized subquery with one column `name` (use it as `column IN ${names}`).
 * `beforeMs`, when given, limits the answer to what the listener received before the change: an
 * event delivered after its write's batch (see {@link announceNameEvent}) must not touch what a new
 * owner received since.
 */
export type NameLifecycleListener = {
  /** The database the listener's data lives in. */
  db: Database;
  /** Forget what is kept about `names`: they are deleted. */
  namesDeleted(names: SQL, beforeMs?: number): Statement[];
  /** Forget what is kept about `names`: they changed owner. */
  ownersChanged(names: SQL, beforeMs?: number): Statement[];
};

/** Every listener of a deployment, wired by the composition root. */
export type NameLifecycle = readonly NameLifecycleListener[];

export type NameEvent = NameLifecycleEventRow["kind"];

/** A listener's bound for a late event: rows whose `column` (a time in ms) is at most `beforeMs`; no bound in the write's own batch. */
export const upTo = (column: SQLWrapper, beforeMs: number | undefined): SQL | undefined => (beforeMs === undefined ? undefined : lte(column, beforeMs));

/** `(SELECT ? AS name)`: one known name in the form listeners take. */
export const oneName = (name: string): SQL => sql`(SELECT ${name} AS name)`;

const answer = (listener: NameLifecycleListener, event: NameEvent, names: SQL, beforeMs?: number) =>
  event === "deleted" ? listener.namesDeleted(names, beforeMs) : listener.ownersChanged(names, beforeMs);

/**
 * The statements that announce `event` for `names` inside a name write's batch on `db`. Listeners
 * whose data is in `db` answer in the batch itself (all of it commits together or none). For any
 * other listener the event is recorded in the batch (`name_lifecycle_events`), so it is never
 * lost; {@link deliverNameEvents} hands it over after the batch commits.
 */
export function announceNameEvent(lifecycle: NameLifecycle, db: Database, event: NameEvent, names: SQL, atMs: number): Statement[] {
  const statements = lifecycle.filter((listener) => listener.db === db).flatMap((listener) => answer(listener, event, names));
  if (lifecycle.some((listener) => listener.db !== db)) {
    // Columns in the table's order (seq, kind, name, at_ms); a NULL seq is the next one.
    statements.push(db.insert(nameLifecycleEvents).select(sql`SELECT NULL, ${event}, name, ${atMs} FROM ${names}`));
  }
  return statements;
}

/** Events handed over per round, and rounds per call (a bulk write announces up to 1,000). */
const EVENTS_PER_ROUND = 100;
const MAX_ROUNDS = 20;

/**
 * Hands the events recorded in `db` (a names database) to the listeners whose data lives elsewhere,
 * then forgets them; returns how many were delivered. Call after every name write (a no-op where
 * every listener shares the names' database, the default) and from the cron, which delivers what a
 * failed hand-over left. Answers are idempotent, so a repeated delivery does no harm.
 */
export async function deliverNameEvents(db: Database, lifecycle: NameLifecycle): Promise<number> {
  const elsewhere = lifecycle.filter((listener) => listener.db !== db);
  let delivered = 0;
  for (let round = 0; elsewhere.length > 0 && round < MAX_ROUNDS; round++) {
    const events = await db.select().from(nameLifecycleEvents).orderBy(asc(nameLifecycleEvents.seq)).limit(EVENTS_PER_ROUND).all();
    const last = events.at(-1);
    if (!last) break;
    for (const listener of elsewhere) {
      const [first, ...rest] = events.flatMap((event) => answer(listener, event.kind, oneName(event.name), event.atMs));
      if (first) await listener.db.batch([first, ...rest]);
    }
    await db.delete(nameLifecycleEvents).where(lte(nameLifecycleEvents.seq, last.seq));
    delivered += events.length;
    if (events.length < EVENTS_PER_ROUND) break;
  }
  return delivered;
}
