import type { LocalAccount, WalletClient } from "viem";
import type * as z from "zod/mini";
import type {
  ApiErrorBody,
  ApiKeyView,
  AuditItem,
  BulkResult,
  ChangesPage,
  ChangeView,
  CreatedApiKey,
  DomainInfo,
  Input,
  NameSummary,
  NameView,
  NonceInfo,
  Page,
  WebhookQueueItem,
  WebhookSettings,
} from "../../worker/src/registry/apiTypes";
import type {
  ApiKeyCreateSchema,
  BulkSchema,
  ChangesQuerySchema,
  DomainSchema,
  ListQuerySchema,
  NamePatchSchema,
  NameRecordsSchema,
  PageQuerySchema,
} from "../../worker/src/registry/schemas";
import type { HealthReport } from "../../worker/src/health/HealthReport";
import type { DomainSpamRulesView, OutboundMessageView, OutboundPage, SpamRulesInput } from "../../worker/src/relay/apiTypes";
import type { Dm3Envelope } from "../../worker/src/protocol/dm3/buildEnvelope";
import type { BridgeStatusView, BridgeUsersPage, OptInView, VirtualUserView } from "../../worker/src/bridge/apiTypes";
import { nameWriteTypedData } from "../../worker/src/protocol/nameWriteTypedData";
import { type D1Bookmarks, formatD1Bookmarks, mergeD1Bookmarks, parseD1Bookmarks } from "../../worker/src/protocol/d1Bookmarks";
import { RegistryApiError, RegistryUnreachableError } from "./RegistryApiError";

/** What a name write carries (the worker's own request schema). */
export type NameRecordsInput = Input<typeof NameRecordsSchema>;
export type NamePatchInput = Input<typeof NamePatchSchema>;
export type DomainInput = Input<typeof DomainSchema>;
export type ApiKeyInput = Input<typeof ApiKeyCreateSchema>;
export type BulkItemInput = Input<typeof BulkSchema>["names"][number];
// Query strings: the schemas coerce from text, so a client passes their output types.
export type ListQuery = Partial<z.output<typeof ListQuerySchema>>;
export type PageQuery = Partial<z.output<typeof PageQuerySchema>>;
export type ChangesQuery = Partial<z.output<typeof ChangesQuerySchema>>;

/** An outbound message as {@link prepareOutboundMessage} builds it: one envelope per delivery service of the recipient. */
export type OutboundInput = {
  from: string;
  to: string;
  envelopes: { deliveryService: string; envelope: Dm3Envelope }[];
  /** Report it failed when not delivered within this many seconds (at most the relay's maximum). */
  maxAgeSeconds?: number;
};
export type OutboundQuery = { status?: OutboundMessageView["status"]; cursor?: string; limit?: number };

export type RegistryClientOptions = {
  /** The worker's base URL, e.g. `https://registry.example`. */
  url: string;
  /** An admin token or a service API key (`dm3k_…`); omit for public reads and owner-signed writes. */
  credential?: string | undefined;
  /** Another fetch (tests, proxies); it is called unbound. */
  fetch?: typeof fetch;
  /** How often a 429 is waited out (its `Retry-After`) before giving up; default 0. */
  rateLimitRetries?: number;
  /** Called before each wait for a 429, e.g. to log it. */
  onRateLimited?: (waitSeconds: number) => void;
};

const BOOKMARK_HEADER = "X-D1-Bookmark";

/** How long an owner-signed write stays valid by default (the registry allows up to 24 h). */
const DEFAULT_SIGNED_WRITE_SECONDS = 10 * 60;

/**
 * A typed client for every route of the registry API. Requests are typed by the worker's own
 * schemas and answers by its answer types; failures throw {@link RegistryApiError} with the
 * worker's `code`.
 *
 * @example
 * const registry = createRegistryClient({ url, credential: process.env.DM3_API_KEY });
 * await registry.putName("alice.acme.eth", { owner, dm3Profile });
 */
export function createRegistryClient(options: RegistryClientOptions) {
  const base = options.url.replace(/\/$/, "");
  const send = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  // The newest D1 bookmark of each database the registry answered with: sent back, so this client
  // reads its own writes whichever read replica serves it.
  let bookmarks: D1Bookmarks = new Map();

  async function request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (options.credential) headers.Authorization = `Bearer ${options.credential}`;
    if (bookmarks.size > 0) headers[BOOKMARK_HEADER] = formatD1Bookmarks(bookmarks);
    const init: RequestInit = { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
    const attempt = async () => {
      try {
        return await send(`${base}${path}`, init);
      } catch (cause) {
        throw new RegistryUnreachableError(base, { cause });
      }
    };
    let response = await attempt();
    for (let retry = 0; response.status === 429 && retry < (options.rateLimitRetries ?? 0); retry++) {
      const waitSeconds = Number(response.headers.get("Retry-After")) || 60;
      options.onRateLimited?.(waitSeconds);
      await response.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
      response = await attempt();
    }
    const answered = parseD1Bookmarks(response.headers.get(BOOKMARK_HEADER) ?? "");
    if (answered) bookmarks = mergeD1Bookmarks(bookmarks, answered);
    if (!response.ok) {
      const text = await response.text();
      let error: Partial<ApiErrorBody> = {};
      try {
        error = JSON.parse(text) as Partial<ApiErrorBody>;
      } catch {
        error = { message: text.slice(0, 200) };
      }
      throw new RegistryApiError(response.status, error.code ?? "error", error.message ?? response.statusText, `${base}${path}`);
    }
    return response;
  }

  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => (await (await request(method, path, body)).json()) as T;
  const query = (values: Record<string, string | number | undefined>) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(values)) if (value !== undefined) search.set(key, String(value));
    const text = search.toString();
    return text ? `?${text}` : "";
  };
  const path = (value: string) => encodeURIComponent(value);

  return {
    url: base,
    /** The newest D1 bookmarks seen, as sent with every request (reads see this client's writes). */
    bookmark: () => (bookmarks.size > 0 ? formatD1Bookmarks(bookmarks) : undefined),
    health: () => json<HealthReport>("GET", "/health"),
    openApiDocument: () => json<Record<string, unknown>>("GET", "/openapi.json"),

    // Domains and keys (admin).
    listDomains: () => json<{ items: DomainInfo[] }>("GET", "/v1/domains"),
    putDomain: (domain: string, body: DomainInput) => json<DomainInfo>("PUT", `/v1/domains/${path(domain)}`, body),
    createKey: (domain: string, body: ApiKeyInput) => json<CreatedApiKey>("POST", `/v1/domains/${path(domain)}/keys`, body),
    listKeys: (domain: string) => json<{ items: ApiKeyView[] }>("GET", `/v1/domains/${path(domain)}/keys`),
    revokeKey: (id: string) => json<ApiKeyView>("DELETE", `/v1/keys/${path(id)}`),
    audit: (domain: string, page: PageQuery = {}) => json<Page<AuditItem>>("GET", `/v1/domains/${path(domain)}/audit${query(page)}`),
    setWebhook: (domain: string, url: string) => json<WebhookSettings>("PUT", `/v1/domains/${path(domain)}/webhook`, { url }),
    removeWebhook: (domain: string) => json<{ domain: string; webhook: null }>("DELETE", `/v1/domains/${path(domain)}/webhook`),
    webhookQueue: (domain: string) => json<{ items: WebhookQueueItem[] }>("GET", `/v1/domains/${path(domain)}/webhook/queue`),

    // The relay, for a connected service: messages out to DM3 users anywhere, and spam-rule defaults.
    /** Queues a user's message for a DM3 user anywhere (`created: false`: the same envelopes were sent before). */
    sendOutbound: (domain: string, message: OutboundInput) =>
      json<{ created: boolean; item: OutboundMessageView }>("POST", `/v1/domains/${path(domain)}/outbound`, message),
    listOutbound: (domain: string, list: OutboundQuery = {}) => json<OutboundPage>("GET", `/v1/domains/${path(domain)}/outbound${query(list)}`),
    getOutbound: (domain: string, id: string) => json<OutboundMessageView>("GET", `/v1/domains/${path(domain)}/outbound/${path(id)}`),
    getDomainSpamRules: (domain: string) => json<DomainSpamRulesView>("GET", `/v1/domains/${path(domain)}/spam-rules`),
    setDomainSpamRules: (domain: string, rules: SpamRulesInput) => json<DomainSpamRulesView>("PUT", `/v1/domains/${path(domain)}/spam-rules`, rules),

    // Reads (public).
    listNames: (domain: string, list: ListQuery = {}) => json<Page<NameSummary>>("GET", `/v1/domains/${path(domain)}/names${query(list)}`),
    namesOfAddress: (address: string, page: PageQuery = {}) => json<Page<NameSummary>>("GET", `/v1/addresses/${path(address)}/names${query(page)}`),
    getName: (name: string) => json<NameView>("GET", `/v1/names/${path(name)}`),
    nonce: (name: string) => json<NonceInfo>("GET", `/v1/names/${path(name)}/nonce`),
    /** One page of the change feed after `after` (omitted: from the beginning); continue with its `cursor`. */
    listChanges: (feed: ChangesQuery = {}) => json<ChangesPage>("GET", `/v1/changes${query(feed)}`),
    /**
     * Every change after `after`, for as long as the caller keeps iterating: page after page, then
     * polling every `pollMs` (default 2 s) once caught up. Each change carries its `cursor`: keep
     * the last one handled and pass it as `after` to resume. Stops when `signal` aborts. A cursor
     * from history the feed has folded since (older than its retention window) throws a
     * {@link RegistryApiError} with code `cursor_expired` (410): drop what was built and follow
     * again from the beginning (one put per live name, then everything after).
     *
     * @example for await (const change of registry.followChanges({ domain: "acme.eth" })) index(change);
     */
    async *followChanges(options: ChangesQuery & { pollMs?: number; signal?: AbortSignal } = {}): AsyncGenerator<ChangeView> {
      const { pollMs = 2_000, signal, ...feed } = options;
      let after = feed.after;
      while (!signal?.aborted) {
        const page = await json<ChangesPage>("GET", `/v1/changes${query({ ...feed, after })}`);
        for (const change of page.changes) {
          yield change;
          if (signal?.aborted) return;
        }
        after = page.cursor;
        if (!page.more) await abortableDelay(pollMs, signal);
      }
    },

    // The email bridge. Opt-in and a virtual user's own management need no credential (the code
    // and the token come by mail); the switch and the list are the operator's (admin token).
    /** Mails `email` a code that creates its virtual user (`alias`: a readable name under the bridge domain). */
    requestBridgeOptIn: (email: string, alias?: string) => json<OptInView>("POST", "/bridge/email/confirmations", { email, ...(alias && { alias }) }),
    /** Creates the virtual user `name` with the mailed `code`. */
    confirmBridgeOptIn: (name: string, code: string) => json<VirtualUserView>("POST", "/bridge/email/users", { name, code }),
    /** A virtual user's state, with the token from the links in its mails. */
    bridgeUser: (name: string, token: string) => json<VirtualUserView>("GET", `/bridge/email/users/${path(name)}?token=${encodeURIComponent(token)}`),
    /** Deletes a virtual user (keys, profile, pending mail), with the token from its mails. */
    deleteBridgeUser: (name: string, token: string) =>
      json<{ name: string; deleted: true }>("DELETE", `/bridge/email/users/${path(name)}?token=${encodeURIComponent(token)}`),
    bridgeStatus: () => json<BridgeStatusView>("GET", "/v1/bridges/email"),
    setBridgeEnabled: (enabled: boolean) => json<{ bridge: string; enabled: boolean }>("PUT", "/v1/bridges/email", { enabled }),
    bridgeUsers: (page: { after?: string; limit?: number } = {}) => json<BridgeUsersPage>("GET", `/v1/bridges/email/users${query(page)}`),

    // Writes by a service (admin token or the domain's API key).
    putName: (name: string, records: NameRecordsInput) => json<NameView>("PUT", `/v1/names/${path(name)}`, records),
    patchName: (name: string, patch: NamePatchInput) => json<NameView>("PATCH", `/v1/names/${path(name)}`, patch),
    deleteName: (name: string) => json<{ name: string; deleted: true }>("DELETE", `/v1/names/${path(name)}`),
    bulkPut: (domain: string, names: BulkItemInput[]) => json<BulkResult>("POST", `/v1/domains/${path(domain)}/names/bulk`, { names }),
    /** The domain as NDJSON, one bulk item per line (what {@link bulkPut} takes back). */
    exportDomain: async (domain: string) => (await request("GET", `/v1/domains/${path(domain)}/export`)).text(),

    /**
     * A write signed by the name's owner (EIP-712), no credential needed: reads the name's last
     * nonce and the typed-data domain from the registry, signs the next nonce with `signer` (a viem
     * account, or a wallet client whose account is the owner — e.g. a browser wallet).
     */
    async signedWrite(
      name: string,
      signer: LocalAccount | WalletClient,
      write: { action: "put"; records: NameRecordsInput; expiresInSeconds?: number } | { action: "delete"; expiresInSeconds?: number },
    ): Promise<NameView | { name: string; deleted: true }> {
      const { nonce, typedData } = await json<NonceInfo>("GET", `/v1/names/${path(name)}/nonce`);
      const domain = { chainId: typedData.domain.chainId, resolverAddress: typedData.domain.verifyingContract };
      const expiry = Math.floor(Date.now() / 1000) + (write.expiresInSeconds ?? DEFAULT_SIGNED_WRITE_SECONDS);
      const signedWrite = { action: write.action, ...("records" in write ? { records: write.records } : {}), nonce: nonce + 1, expiry };
      const signature = await signTypedWrite(signer, nameWriteTypedData(domain, name, signedWrite));
      return json("POST", `/v1/names/${path(name)}/signed`, { ...signedWrite, signature });
    },
  };
}

/** Waits `ms`, or less when `signal` aborts. */
function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** Signs EIP-712 typed data with a local account, or with a wallet client's account (it may prompt). */
function signTypedWrite(signer: LocalAccount | WalletClient, typedData: ReturnType<typeof nameWriteTypedData>) {
  if ("type" in signer && signer.type === "local") return (signer as LocalAccount).signTypedData(typedData);
  const wallet = signer as WalletClient;
  if (!wallet.account) throw new Error("The wallet client has no account: connect the name's owner first");
  return wallet.signTypedData({ ...typedData, account: wallet.account });
}

/** The client {@link createRegistryClient} returns. */
export type RegistryClient = ReturnType<typeof createRegistryClient>;
