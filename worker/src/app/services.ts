import type { MiddlewareHandler } from "hono";
import { createClient, http } from "viem";
import { call, getBalance, getChainId, getTransactionCount, readContract } from "viem/actions";
import { createDatabase, createDatabases, type Database, type NamedDatabase } from "../db/client";
import type { D1Client } from "../db/d1Clients";
import { deliverNameEvents, type NameLifecycle } from "../db/nameLifecycle";
import type { OutboundTransport } from "../net/OutboundTransport";
import { type D1Bookmarks, PRIMARY_DATABASE } from "../protocol/d1Bookmarks";
import type { EnsReader } from "../protocol/dm3/resolveDm3";
import type { ProfileFetcher } from "../protocol/dm3/profileRecord";
import { fetchOutsideJson } from "../net/fetchOutsideJson";
import { ccipGatewayRequest } from "../net/ccipGatewayRequest";
import { createOutsideFetch, OUTSIDE_MAX_RESPONSE_BYTES, OUTSIDE_REQUESTS_PER_REQUEST, OUTSIDE_TIMEOUT_MS } from "../net/outsideFetch";
import { createKeyVault } from "../bridge/keyVault";
import { createEmailBridge } from "../bridge/email/createEmailBridge";
import type { EmailBridge, EmailBridgeServices } from "../bridge/email/EmailBridgeServices";
import { BridgeDomainNotServedError } from "../bridge/email/errors";
import { bridgeNameLifecycle } from "../bridge/nameLifecycle";
import { deleteName, type NameWriteContext, putName } from "../registry/nameWrites";
import { NameNotFoundError } from "../registry/errors";
import { NameRecordsSchema } from "../registry/schemas";
import { validate } from "../http/validate";
import { ETH_COIN_TYPE } from "../protocol/ens/coinTypes";
import { attemptOutbound, queueOutbound } from "../relay/outbound";
import { relayNameLifecycle } from "../relay/nameLifecycle";
import type { BridgeInbox, VirtualUserNames } from "../shared/bridgePorts";
import type { RelayServices } from "../relay/RelayServices";
import { type AnswerInvalidation, forgetAnswers } from "../shared/answerCache";
import type { Clock } from "../shared/Clock";
import { createDm3Directory, type Dm3Directory } from "../shared/dm3Directory";
import type { RelayWork } from "../shared/relayWork";
import { forgetServedDomains, type ServedDomain } from "../shared/servedDomains";
import { once } from "../settings/once";
import type { RelaySettings } from "../settings/relaySettings";
import { createLookupServices, provideWithBookmarks, type ServiceOverrides } from "./lookupServices";
import type { ChainSettings, NotificationSettings, Settings } from "../settings/settingsOf";

/**
 * What a request or a cron run needs, built in one place (the composition root) and handed down:
 * domain functions receive the few of these they use, never hono's `Context`, `caches.default`,
 * `env` or `Date.now()`. Settings are parsed on first use, so a route that needs no signer or
 * relay key never fails for a missing one.
 */
export type Services = {
  /** Every binding, variable and secret, validated (the only reader of `env`). */
  settings: Settings;
  /** The primary D1 (`DB`): domains, API keys, the relay's data. */
  db: Database;
  /** The database holding `domain`'s names, records, nonces and name audit rows. */
  namesOf(domain: Pick<ServedDomain, "name" | "database">): Database;
  /** The same database without drizzle (the gateway's plain-SQL reads). */
  nameClientOf(domain: Pick<ServedDomain, "name" | "database">): D1Client;
  /** Every database that may hold names, by binding, `DB` first (reads across domains: by owner, the change feed). */
  allNameDatabases(): NamedDatabase[];
  /** Where this request's D1 sessions got to (after its writes): the client sends them back to read them. */
  d1Bookmarks(): D1Bookmarks;
  clock: Clock;
  /** The delivery service's identity and policy (`ConfigError` when misconfigured). */
  relay(): RelaySettings;
  /** Every served domain (from the isolate's short-lived cache). */
  domains(): Promise<ServedDomain[]>;
  /** Call after changing domains: this isolate's next reads see the change. */
  domainsChanged(): void;
  /** Where signed gateway answers are kept (the data center's Cache API). */
  answerCache: Cache;
  answers: AnswerInvalidation;
  /** How the worker calls the webhooks the admin set, and where they may point. */
  webhooks(): OutboundTransport;
  /** How the worker calls URLs strangers chose (delivery services, profiles, CCIP-Read gateways): the outside policy, with this run's request budget. */
  outside(): OutboundTransport;
  /** ENS on L1 through `L1_RPC_URL` (undefined when none is configured). */
  ens(): EnsReader | undefined;
  /** How long ENS answers and senders' balances are reused (`ENS_CACHE_SECONDS`). */
  ensCacheMs(): number;
  /** The relay's work queue (outbound deliveries, webhook retries), when bound. */
  queue(): Queue<RelayWork> | undefined;
  /** New-message notifications by email (undefined when off). */
  notifications(): NotificationSettings | undefined;
  /** DM3 profiles and addresses of any name: D1 for names served here, ENS (cached) for the rest. */
  directory: Dm3Directory;
  /** The features listening to names' lifecycle. */
  nameLifecycle: NameLifecycle;
  /** The email bridge's services (undefined when `BRIDGE_EMAIL_DOMAIN` is empty). */
  emailBridgeServices(): EmailBridgeServices | undefined;
  /** The email bridge (undefined when off). */
  emailBridge(): EmailBridge | undefined;
  /** Every bridge the relay hosts. */
  bridges(): BridgeInbox[];
};

declare module "hono" {
  interface ContextVariableMap {
    services: Services;
  }
}

export type { ServiceOverrides } from "./lookupServices";

/** Builds the services of one request or cron run from the worker's bindings. */
export function createServices(env: Env, overrides: ServiceOverrides = {}): Services {
  const { settings, clients, nameClientOf, clock, domains, answerCache } = createLookupServices(env, overrides);
  const databases = createDatabases(clients);
  const namesOf = (domain: Pick<ServedDomain, "name" | "database">) => createDatabase(nameClientOf(domain));
  const { nowMs } = clock;
  const db = databases.get(PRIMARY_DATABASE);
  // Called unbound: workerd's fetch throws "Illegal invocation" with any other `this`.
  const send = (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init);
  // Every URL a stranger chose — profile records, delivery services, foreign resolvers' CCIP-Read
  // gateways — is fetched through one policy, with one request budget for this request or run.
  const outside = once(
    (): OutboundTransport => ({
      fetch: createOutsideFetch({
        targets: () => settings.outboundTargets(),
        maxRequests: overrides.outsideRequests ?? OUTSIDE_REQUESTS_PER_REQUEST,
        maxResponseBytes: OUTSIDE_MAX_RESPONSE_BYTES,
        timeoutMs: OUTSIDE_TIMEOUT_MS,
      }),
      targets: settings.outboundTargets(),
    }),
  );
  const profiles: ProfileFetcher = {
    fetchJson: (url) => fetchOutsideJson(outside(), url),
    get ipfsGateway() {
      return settings.ipfsGateway();
    },
  };
  const ens = once(() => {
    const reader = ensReader(settings.chain(), outside().fetch);
    return reader && { ...reader, profiles };
  });
  const ensCacheMs = () => settings.chain()?.cacheMs ?? 0;
  const directory = createDm3Directory({
    namesOf,
    domains,
    get ens() {
      return ens();
    },
    get cacheMs() {
      return ensCacheMs();
    },
    nowMs,
  });
  const services: Services = {
    settings,
    db,
    namesOf,
    nameClientOf,
    allNameDatabases: () => databases.all(),
    d1Bookmarks: () => databases.bookmarks(),
    clock,
    relay: () => settings.relay(),
    domains,
    domainsChanged: forgetServedDomains,
    answerCache,
    answers: { forget: (nodes) => forgetAnswers(answerCache, nodes) },
    webhooks: () => ({ fetch: send, targets: settings.outboundTargets() }),
    outside,
    ens,
    ensCacheMs,
    queue: () => settings.queue,
    notifications: () => settings.notifications(),
    directory,
    // Every feature listening to names' lifecycle (deletes, new owners), each over its own data; the
    // registry never imports them: this list is the wiring.
    nameLifecycle: [relayNameLifecycle(db), bridgeNameLifecycle(db)],
    emailBridgeServices: once(() => {
      const bridge = settings.emailBridge();
      if (!bridge) return undefined;
      return {
        db,
        clock,
        settings: bridge,
        vault: createKeyVault(bridge.secret, bridge.previousSecret),
        directory,
        deliveryService: { name: settings.relay().dsName, publicEncryptionKey: settings.relay().encryption.publicKey },
        names: virtualUserNames(services, bridge.domain),
        outbound: {
          async post(domain, message) {
            const { created, item } = await queueOutbound(services, domain, message);
            if (created) await attemptOutbound(services, { domain, id: item.id });
          },
        },
        queue: () => settings.queue,
        mailLimiter: settings.optionalRateLimiter("BRIDGE_MAIL_LIMITER"),
      };
    }),
    emailBridge: once(() => {
      const bridgeServices = services.emailBridgeServices();
      return bridgeServices && createEmailBridge(bridgeServices);
    }),
    bridges: () => {
      const email = services.emailBridge();
      return email ? [email] : [];
    },
  };
  return services satisfies RelayServices;
}

/**
 * How a bridge publishes its virtual users: the registry's own name writes under the bridge's
 * domain (audited as the bridge; the answers made fresh; the lifecycle announced).
 */
function virtualUserNames(services: Services, bridgeDomain: string): VirtualUserNames {
  const context = async () => {
    const domain = (await services.domains()).find((candidate) => candidate.name === bridgeDomain);
    if (!domain) throw new BridgeDomainNotServedError(bridgeDomain);
    const nowMs = services.clock.nowMs();
    const write: NameWriteContext = {
      db: services.namesOf(domain),
      answers: services.answers,
      lifecycle: services.nameLifecycle,
      actor: "bridge:email",
      nowSeconds: Math.floor(nowMs / 1000),
      nowMs,
    };
    return { domain, write };
  };
  return {
    async put(name, records) {
      const { domain, write } = await context();
      const checked = validate(
        NameRecordsSchema,
        { owner: records.owner, addresses: { [ETH_COIN_TYPE]: records.owner }, dm3Profile: records.dm3Profile },
        "virtual user",
      );
      await putName(write, domain, name, checked);
    },
    async delete(name) {
      const { domain, write } = await context();
      try {
        await deleteName(write, domain, name, undefined, true);
        return true;
      } catch (error) {
        if (error instanceof NameNotFoundError) return false;
        throw error;
      }
    },
  };
}

const RPC_TIMEOUT_MS = 10_000;

/**
 * ENS on L1 for one request or run: the RPC endpoint the operator chose, and CCIP-Read gateways
 * (which a foreign name's resolver chooses) only through `outsideFetch` — viem's own request would
 * go anywhere, follow redirects and read any size.
 */
function ensReader(chain: ChainSettings | undefined, outsideFetch: typeof fetch): EnsReader | undefined {
  if (!chain) return undefined;
  // Only the actions the relay uses (a public client would bundle every action viem has).
  const base = createClient({
    transport: http(chain.rpcUrl, { timeout: RPC_TIMEOUT_MS, retryCount: 1 }),
    ccipRead: { request: ccipGatewayRequest(outsideFetch) },
  });
  const client = {
    readContract: ((args: Parameters<typeof readContract>[1]) => readContract(base, args)) as EnsReader["client"]["readContract"],
    call: ((args: Parameters<typeof call>[1]) => call(base, args)) as EnsReader["client"]["call"],
    getBalance: ((args: Parameters<typeof getBalance>[1]) => getBalance(base, args)) as EnsReader["client"]["getBalance"],
    getTransactionCount: ((args: Parameters<typeof getTransactionCount>[1]) => getTransactionCount(base, args)) as EnsReader["client"]["getTransactionCount"],
    getChainId: () => getChainId(base),
  };
  return { client, registry: chain.ensRegistry };
}

/**
 * Hands every lifecycle event still recorded in a names database to its listeners (the cron: a
 * name write delivers its own right away, and this catches any whose hand-over failed).
 */
export async function deliverPendingNameEvents(services: Pick<Services, "allNameDatabases" | "nameLifecycle">): Promise<number> {
  let delivered = 0;
  for (const { db } of services.allNameDatabases()) delivered += await deliverNameEvents(db, services.nameLifecycle);
  return delivered;
}

export { D1_BOOKMARK_HEADER } from "./d1BookmarkHeader";

/**
 * Middleware: `c.get("services")` for every route, reading D1 through a session that starts at the
 * request's `X-D1-Bookmark` (read-your-writes across requests and replicas) and answering with the
 * session's bookmark in the same header.
 */
export function provideServices(): MiddlewareHandler<{ Bindings: Env }> {
  return provideWithBookmarks(createServices, (c, services) => {
    c.set("services", services);
    c.set("lookup", services);
  });
}
