import type { Context, MiddlewareHandler } from "hono";
import { type D1Client, type D1Clients, openD1Clients } from "../db/d1Clients";
import { InvalidInputError } from "../http/validate";
import { type D1Bookmarks, formatD1Bookmarks, PRIMARY_DATABASE, parseD1Bookmarks } from "../protocol/d1Bookmarks";
import type { Clock } from "../shared/Clock";
import { listServedDomains, type ServedDomain } from "../shared/servedDomains";
import { ConfigError } from "../settings/ConfigError";
import { settingsOf } from "../settings/settingsOf";
import { D1_BOOKMARK_HEADER } from "./d1BookmarkHeader";
import type { Settings } from "../settings/settingsOf";

// The lookup's services import no feature: the gateway's hot path starts without evaluating the
// registry, relay, bridges or pages (index.ts loads those on their first request).

/**
 * What a caller may set instead of the runtime's: the clock (a cron run uses its scheduled time),
 * and the D1 bookmark a request carried (reads no older than it).
 */
export type ServiceOverrides = {
  nowMs?: () => number;
  d1Sessions?: D1Bookmarks;
  /** Requests to URLs others chose that this run may make (default: one HTTP request's share). */
  outsideRequests?: number;
};

/**
 * What answering a gateway lookup needs — the hot path's services, built without the rest (no
 * relay, bridge or directory wiring, no D1 session until a read needs one).
 */
export type LookupServices = {
  settings: Settings;
  /** The D1 binding or session holding `domain`'s names (the lookup's reads are plain SQL: no query builder on its path). */
  nameClientOf(domain: Pick<ServedDomain, "name" | "database">): D1Client;
  /** Every served domain (from the isolate's short-lived cache). */
  domains(): Promise<ServedDomain[]>;
  clock: Clock;
  /** Where signed gateway answers are kept (the data center's Cache API). */
  answerCache: Cache;
  /** Where this request's D1 sessions got to. */
  d1Bookmarks(): D1Bookmarks;
};

declare module "hono" {
  interface ContextVariableMap {
    /** The lookup's services (the full {@link Services} on the main app, the lean ones on the lookup app). */
    lookup: LookupServices;
  }
}

/** Builds a request's (or cron run's) {@link LookupServices}: the core every other service builds on. */
export function createLookupServices(env: Env, overrides: ServiceOverrides = {}): LookupServices & { clients: D1Clients } {
  const settings = settingsOf(env);
  const nowMs = overrides.nowMs ?? (() => Date.now());
  const clock: Clock = { nowMs, nowSeconds: () => Math.floor(nowMs() / 1000) };
  // Requests read through a D1 session (replicas nearby, never older than the client's bookmark);
  // crons and queue consumers use the binding itself (the primary).
  const clients = openD1Clients(settings.nameDatabases().bindings, overrides.d1Sessions);
  const nameClientOf = (domain: Pick<ServedDomain, "name" | "database">) => {
    if (!settings.nameDatabases().bindings.has(domain.database)) {
      throw new ConfigError(`Domain ${domain.name}'s names are in D1 binding "${domain.database}", which NAME_DATABASES does not list`);
    }
    return clients.client(domain.database);
  };
  return {
    settings,
    clients,
    nameClientOf,
    clock,
    // The served domains come from the isolate's memory; the primary is opened only to refill it.
    domains: () => listServedDomains(() => clients.client(PRIMARY_DATABASE), clock.nowMs()),
    answerCache: caches.default,
    d1Bookmarks: () => clients.bookmarks(),
  };
}

/**
 * Middleware that builds a request's services with `build` (given the D1 bookmarks the request
 * carried in `X-D1-Bookmark`: its reads are no older), hands them to the routes with `provide`, and
 * answers with the sessions' bookmarks in the same header.
 */
export function provideWithBookmarks<Provided extends LookupServices>(
  build: (env: Env, overrides: ServiceOverrides) => Provided,
  provide: (c: Context, services: Provided) => void,
): MiddlewareHandler<{ Bindings: Env }> {
  return async function provideServices(c, next) {
    const services = build(c.env, { d1Sessions: readD1Bookmarks(c.req.header(D1_BOOKMARK_HEADER)) });
    provide(c, services);
    c.set("settings", services.settings);
    await next();
    const reached = reachedBookmarks(services);
    if (reached) c.header(D1_BOOKMARK_HEADER, reached);
  };
}

/** The D1 bookmarks a request carried in `X-D1-Bookmark` (none: an empty map); 400 when they are not ones this API sent. */
export function readD1Bookmarks(header: string | null | undefined): D1Bookmarks {
  const sent = header?.trim();
  const bookmarks = sent ? parseD1Bookmarks(sent) : new Map<string, string>();
  if (!bookmarks) throw new InvalidInputError(`${D1_BOOKMARK_HEADER} must be what this API returned in it (or absent)`);
  return bookmarks;
}

/** The `X-D1-Bookmark` value of where `services`' D1 sessions got to (undefined: no session was opened). */
export function reachedBookmarks(services: Pick<LookupServices, "d1Bookmarks">): string | undefined {
  const reached = services.d1Bookmarks();
  return reached.size > 0 ? formatD1Bookmarks(reached) : undefined;
}

/** Middleware of the lookup app: `c.get("lookup")` only (see {@link LookupServices}). */
export function provideLookupServices(): MiddlewareHandler<{ Bindings: Env }> {
  return provideWithBookmarks(createLookupServices, (c, lookup) => c.set("lookup", lookup));
}
