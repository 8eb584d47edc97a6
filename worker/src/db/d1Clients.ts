import type { D1Bookmarks } from "../protocol/d1Bookmarks";

/** What statements run on: a D1 binding, or a session of one. */
export type D1Client = Pick<D1Database, "prepare" | "batch">;

/**
 * The D1 databases of one request or run, by binding, with no query builder (the gateway's
 * lookups read through these with plain SQL; `createDatabases` in client.ts puts drizzle on top).
 */
export type D1Clients = {
  /** The database bound as `binding` (the caller checks it is one of the bindings). */
  client(binding: string): D1Client;
  /** Every binding, `DB` first. */
  bindings(): string[];
  /** Where this request's sessions got to, by binding (none when reading without sessions). */
  bookmarks(): D1Bookmarks;
};

/**
 * The request's databases over `bindings`: each read through a D1 session starting at the
 * request's bookmark for it when `sessions` is given (requests: reads may go to a nearby replica,
 * never to one older than the bookmark — the point the client last saw, e.g. its own write; without
 * one, any replica), or directly (crons, queues: the primary). Sessions are opened on first use, so
 * a request pays only for the databases it touches. Writes always go to the primary.
 *
 * @see https://developers.cloudflare.com/d1/best-practices/read-replication/
 */
export function openD1Clients(bindings: ReadonlyMap<string, D1Database>, sessions?: D1Bookmarks): D1Clients {
  const opened = new Map<string, D1DatabaseSession>();
  const client = (binding: string): D1Client => {
    const d1 = bindings.get(binding);
    if (!d1) throw new Error(`no D1 binding "${binding}"`);
    if (!sessions) return d1;
    let session = opened.get(binding);
    if (!session) {
      session = d1.withSession(sessions.get(binding) ?? "first-unconstrained");
      opened.set(binding, session);
    }
    return session;
  };
  return {
    client,
    bindings: () => [...bindings.keys()],
    bookmarks: () => {
      const bookmarks: D1Bookmarks = new Map();
      for (const [binding, session] of opened) {
        const bookmark = session.getBookmark();
        if (bookmark) bookmarks.set(binding, bookmark);
      }
      return bookmarks;
    },
  };
}
