import { type Context, Hono } from "hono";
import { describeRoute } from "../http/routeDocs";
import { createMiddleware } from "hono/factory";
import { listDomainAudit } from "./auditTrail";
import { chooseDatabase } from "./chooseDatabase";
import { PRIMARY_DATABASE } from "../protocol/d1Bookmarks";
import { upsertDomain } from "../db/domains";
import { findLastNonce, findNameRow, listNamesHeldByOtherDomains } from "../db/names";
import { assertNormalizedName } from "../protocol/ens/assertNormalizedName";
import { limitBody } from "../http/limitBody";
import { limitPerIp } from "../http/rateLimit";
import { readJsonBody } from "../http/readJsonBody";
import { InvalidInputError, jsonBody, queryOf, validate } from "../http/validate";
import { webhookTargetProblem } from "../net/webhookTargetProblem";
import { namehash } from "viem/ens";
import { createApiKey, listDomainApiKeys, revokeApiKey } from "./apiKeys";
import { authenticate, authenticateIfPresent, authorizeAdmin, authorizeDomain } from "../shared/authenticate";
import { bulkUpsert } from "./bulkUpsert";
import { listChanges } from "./changesFeed";
import { DomainHasNamesError, NESTED_NAMES_SHOWN, UnknownDomainError } from "./errors";
import { exportDomain } from "./exportDomain";
import { NAME_LIMITS } from "./limits";
import { listDomainNames, listNamesOfOwner } from "./listing";
import { deleteName, domainOfName, getName, patchName, putName, type WriteContext } from "./names";
import {
  AddressSchema,
  ApiKeyCreateSchema,
  AuditPageQuerySchema,
  BulkSchema,
  ChangesQuerySchema,
  DomainSchema,
  ListQuerySchema,
  NamePatchSchema,
  NameRecordsSchema,
  PageQuerySchema,
  SignedNameWriteSchema,
  WebhookSchema,
} from "./schemas";
import { listWebhookQueue, removeWebhook, setWebhook } from "./webhookSettings";
import { findServingDomain, forgetServedDomains, type ServedDomain } from "../shared/servedDomains";
import { NAME_WRITE_DOMAIN_NAME, NAME_WRITE_TYPES } from "../protocol/nameWriteTypedData";
import { applySignedWrite } from "./signedWrites";

type AppContext = Context<{ Bindings: Env }>;

const services = (c: AppContext) => c.get("services");
const nowSeconds = (c: AppContext) => services(c).clock.nowSeconds();
const database = (c: AppContext) => services(c).db;
const domains = (c: AppContext) => services(c).domains();
/** Where `domain`'s names live. */
const namesOf = (c: AppContext, domain: ServedDomain) => services(c).namesOf(domain);
/** Writes to `domain`'s names go to its names' database; to the directory (keys, webhooks), to `DB`. */
const writeContext = (c: AppContext, domain?: ServedDomain, actor: string = c.get("caller").actor): WriteContext => ({
  db: domain ? namesOf(c, domain) : database(c),
  answers: services(c).answers,
  actor,
  nowSeconds: nowSeconds(c),
});

async function servedDomain(c: AppContext, name: string): Promise<ServedDomain> {
  const domain = (await domains(c)).find((candidate) => candidate.name === name);
  if (!domain) throw new UnknownDomainError(name);
  return domain;
}

declare module "hono" {
  interface ContextVariableMap {
    /** The served domain the caller was authorized to write under (set by nameWriter/domainWriter). */
    writableDomain: ServedDomain;
  }
}

/** Middleware: 403 unless the caller is the admin (before the body is read). */
function adminOnly() {
  return createMiddleware<{ Bindings: Env }>(async function adminOnly(c, next) {
    authorizeAdmin(c.get("caller"));
    await next();
  });
}

/** Middleware: the domain of the name in the path, after checking the caller may write under it (before the body is read). */
function nameWriter() {
  return createMiddleware<{ Bindings: Env }>(async function nameWriter(c, next) {
    c.set("writableDomain", await writableDomainOfName(c));
    await next();
  });
}

/** Middleware: the domain in the path, after checking the caller may write under it. */
function domainWriter() {
  return createMiddleware<{ Bindings: Env }>(async function domainWriter(c, next) {
    const domain = await servedDomain(c, c.req.param("domain") ?? "");
    authorizeDomain(c.get("caller"), domain.name);
    c.set("writableDomain", domain);
    await next();
  });
}

/** The domain of the name in the path, after checking the caller may write under it. */
async function writableDomainOfName(c: AppContext): Promise<ServedDomain> {
  const domain = domainOfName(await domains(c), c.req.param("name") as string);
  authorizeDomain(c.get("caller"), domain.name);
  return domain;
}

/** Registry REST API (`/v1`). Writes: admin token or domain-scoped API key, or the owner's EIP-712 signature. */
export const registryRoutes = new Hono<{ Bindings: Env }>()
  // Domains and keys (admin).
  // Public: what a client needs to resolve and sign against; the webhook is the tenant's business.
  .get(
    "/domains",
    describeRoute({ operationId: "listDomains", summary: "List the served domains (the admin token also shows webhooks)", tag: "domains", auth: "none" }),
    authenticateIfPresent(),
    async (c) => {
      const all = await domains(c);
      if (c.get("caller")?.kind === "admin") return c.json({ items: all });
      return c.json({ items: all.map(({ webhookUrl: _webhookUrl, database: _database, ...publicFields }) => publicFields) });
    },
  )
  .put(
    "/domains/:domain",
    describeRoute({ operationId: "putDomain", summary: "Register or update a domain", tag: "domains", auth: "admin" }),
    limitBody(NAME_LIMITS.maxBodyBytes),
    authenticate(),
    adminOnly(),
    jsonBody(DomainSchema),
    async (c) => {
      const name = c.req.param("domain");
      assertNormalizedName(name);
      const { database: requested, ...input } = c.req.valid("json");
      const placement = chooseDatabase(services(c).nameDatabases(), await domains(c), name, requested);
      const names = services(c).namesOf({ name, database: placement });
      // A name belongs to its longest served suffix: a new sub-domain would silently take over names
      // another domain's keys wrote, lists and exports. Refused instead of re-homed (see README).
      const held = await listNamesHeldByOtherDomains(names, name, NESTED_NAMES_SHOWN);
      if (held.length > 0) throw new DomainHasNamesError(name, held);
      const row = { name, ...input, database: placement, createdAtSeconds: nowSeconds(c) };
      // The names' database first (its copy anchors the names' foreign keys); the directory's row
      // makes the domain served, so a failure in between leaves nothing served (a retry completes it).
      if (placement !== PRIMARY_DATABASE) await upsertDomain(names, row);
      const stored = await upsertDomain(database(c), row);
      forgetServedDomains(c.env.DB);
      return c.json({
        name,
        resolverAddress: stored.resolverAddress,
        chainId: stored.chainId,
        allowAddressNames: stored.allowAddressNames,
        database: stored.database,
      });
    },
  )
  .post(
    "/domains/:domain/keys",
    describeRoute({ operationId: "createApiKey", summary: "Create a service API key (shown once)", tag: "keys", auth: "admin", successStatus: 201 }),
    limitBody(NAME_LIMITS.maxBodyBytes),
    authenticate(),
    adminOnly(),
    jsonBody(ApiKeyCreateSchema),
    async (c) => {
      const domain = await servedDomain(c, c.req.param("domain"));
      return c.json(await createApiKey(writeContext(c), domain.name, c.req.valid("json")), 201);
    },
  )
  .get(
    "/domains/:domain/keys",
    describeRoute({ operationId: "listApiKeys", summary: "List a domain's API keys (no secrets)", tag: "keys", auth: "admin" }),
    authenticate(),
    async (c) => {
      authorizeAdmin(c.get("caller"));
      const domain = await servedDomain(c, c.req.param("domain"));
      return c.json({ items: await listDomainApiKeys(database(c), domain.name) });
    },
  )
  .put(
    "/domains/:domain/webhook",
    describeRoute({
      operationId: "setWebhook",
      summary: "Gateway mode: send the domain's envelopes to a webhook (secret shown once)",
      tag: "domains",
      auth: "admin",
    }),
    limitBody(NAME_LIMITS.maxBodyBytes),
    authenticate(),
    adminOnly(),
    jsonBody(WebhookSchema),
    async (c) => {
      const domain = await servedDomain(c, c.req.param("domain"));
      const { url } = c.req.valid("json");
      const refused = webhookTargetProblem(url, services(c).webhooks().targets);
      if (refused) throw new InvalidInputError(`url: a webhook must not point at ${refused}`);
      const webhook = await setWebhook(writeContext(c), domain.name, url);
      forgetServedDomains(c.env.DB);
      return c.json(webhook);
    },
  )
  .delete(
    "/domains/:domain/webhook",
    describeRoute({ operationId: "removeWebhook", summary: "Leave gateway mode", tag: "domains", auth: "admin" }),
    authenticate(),
    async (c) => {
      authorizeAdmin(c.get("caller"));
      const domain = await servedDomain(c, c.req.param("domain"));
      await removeWebhook(writeContext(c), domain.name);
      forgetServedDomains(c.env.DB);
      return c.json({ domain: domain.name, webhook: null });
    },
  )
  .get(
    "/domains/:domain/webhook/queue",
    describeRoute({ operationId: "webhookQueue", summary: "Envelopes waiting for the webhook", tag: "domains", auth: "admin" }),
    authenticate(),
    async (c) => {
      authorizeAdmin(c.get("caller"));
      const domain = await servedDomain(c, c.req.param("domain"));
      return c.json({ items: await listWebhookQueue(database(c), domain.name) });
    },
  )
  .delete("/keys/:id", describeRoute({ operationId: "revokeApiKey", summary: "Revoke an API key", tag: "keys", auth: "admin" }), authenticate(), async (c) => {
    authorizeAdmin(c.get("caller"));
    return c.json(await revokeApiKey(writeContext(c), c.req.param("id")));
  })
  .get(
    "/domains/:domain/audit",
    describeRoute({ operationId: "auditTrail", summary: "A domain's audit trail, newest first", tag: "domains", auth: "admin" }),
    authenticate(),
    adminOnly(),
    queryOf(AuditPageQuerySchema),
    async (c) => {
      const domain = await servedDomain(c, c.req.param("domain"));
      const query = c.req.valid("query");
      return c.json(await listDomainAudit(database(c), namesOf(c, domain), domain.name, query));
    },
  )
  // Reads (public).
  .get(
    "/changes",
    describeRoute({
      operationId: "listChanges",
      summary: "The change feed: every create, update and delete of a name, in commit order",
      tag: "names",
      auth: "none",
    }),
    queryOf(ChangesQuerySchema),
    async (c) => {
      const query = c.req.valid("query");
      const only = query.domain === undefined ? undefined : await servedDomain(c, query.domain);
      const sources = only ? [{ binding: only.database, db: namesOf(c, only) }] : services(c).allNameDatabases();
      return c.json(await listChanges(sources, query));
    },
  )
  .get(
    "/domains/:domain/names",
    describeRoute({ operationId: "listNames", summary: "List or search a domain's names", tag: "names", auth: "none" }),
    queryOf(ListQuerySchema),
    async (c) => {
      const domain = await servedDomain(c, c.req.param("domain"));
      return c.json(await listDomainNames(namesOf(c, domain), domain.name, c.req.valid("query")));
    },
  )
  .get(
    "/addresses/:address/names",
    describeRoute({ operationId: "namesOfAddress", summary: "Names recorded for an owner address (with ownerProven)", tag: "names", auth: "none" }),
    queryOf(PageQuerySchema),
    async (c) => {
      const owner = validate(AddressSchema, c.req.param("address"), "address");
      return c.json(await listNamesOfOwner(services(c).allNameDatabases(), owner, c.req.valid("query")));
    },
  )
  .get("/names/:name", describeRoute({ operationId: "getName", summary: "A name, its records and its DM3 profile", tag: "names", auth: "none" }), async (c) => {
    const name = c.req.param("name");
    // A name under no served domain is simply not registered here.
    const domain = findServingDomain(await domains(c), name);
    return c.json(await getName(domain ? namesOf(c, domain) : database(c), name));
  })
  .get(
    "/names/:name/nonce",
    describeRoute({ operationId: "getNameNonce", summary: "Last owner-signed nonce and the EIP-712 domain for the next write", tag: "names", auth: "none" }),
    async (c) => {
      const name = c.req.param("name");
      const domain = domainOfName(await domains(c), name);
      const db = namesOf(c, domain);
      const node = namehash(name);
      const [row, nonce] = await Promise.all([findNameRow(db, node), findLastNonce(db, node)]);
      return c.json({
        name,
        nonce,
        owner: row?.ownerAddress ?? null,
        typedData: {
          domain: { name: NAME_WRITE_DOMAIN_NAME, version: "1", chainId: domain.chainId, verifyingContract: domain.resolverAddress },
          types: NAME_WRITE_TYPES,
          primaryType: "NameWrite",
        },
      });
    },
  )
  // Name writes by a service (admin token or API key of the name's domain).
  .put(
    "/names/:name",
    describeRoute({ operationId: "putName", summary: "Create or replace a name with all its records", tag: "names", auth: "service" }),
    limitBody(NAME_LIMITS.maxBodyBytes),
    authenticate(),
    nameWriter(),
    jsonBody(NameRecordsSchema),
    async (c) => {
      const domain = c.get("writableDomain");
      const records = c.req.valid("json");
      return c.json(await putName(writeContext(c, domain), domain, c.req.param("name"), records));
    },
  )
  .patch(
    "/names/:name",
    describeRoute({ operationId: "patchName", summary: "Update some records (null deletes an entry)", tag: "names", auth: "service" }),
    limitBody(NAME_LIMITS.maxBodyBytes),
    authenticate(),
    nameWriter(),
    jsonBody(NamePatchSchema),
    async (c) => {
      const domain = c.get("writableDomain");
      const patch = c.req.valid("json");
      return c.json(await patchName(writeContext(c, domain), domain, c.req.param("name"), patch));
    },
  )
  .delete("/names/:name", describeRoute({ operationId: "deleteName", summary: "Delete a name", tag: "names", auth: "service" }), authenticate(), async (c) => {
    const domain = await writableDomainOfName(c);
    await deleteName(writeContext(c, domain), domain, c.req.param("name"));
    return c.json({ name: c.req.param("name"), deleted: true });
  })
  // Name writes signed by the owner's wallet (EIP-712), no credential.
  .post(
    "/names/:name/signed",
    describeRoute({
      operationId: "signedNameWrite",
      summary: "A write signed by the name's owner (EIP-712)",
      tag: "names",
      auth: "none",
      body: SignedNameWriteSchema,
    }),
    limitBody(NAME_LIMITS.maxBodyBytes),
    limitPerIp("WRITES_PER_IP_LIMITER", "signed writes"),
    async (c) => {
      const name = c.req.param("name");
      const domain = domainOfName(await domains(c), name);
      const body = await readJsonBody(c);
      const write = validate(SignedNameWriteSchema, body, "body");
      const context = writeContext(c, domain, "unverified");
      const view = await applySignedWrite(context, domain, name, write, (body as { records?: unknown }).records);
      return c.json(view ?? { name, deleted: true });
    },
  )
  // Bulk and exit.
  .post(
    "/domains/:domain/names/bulk",
    describeRoute({ operationId: "bulkPutNames", summary: "Create or replace up to 1,000 names", tag: "names", auth: "service" }),
    limitBody(NAME_LIMITS.maxBulkBodyBytes),
    authenticate(),
    domainWriter(),
    jsonBody(BulkSchema),
    async (c) => {
      const domain = c.get("writableDomain");
      const { names } = c.req.valid("json");
      return c.json(await bulkUpsert(writeContext(c, domain), await domains(c), domain, names));
    },
  )
  .get(
    "/domains/:domain/export",
    describeRoute({
      operationId: "exportDomain",
      summary: "Export a domain as NDJSON (the bulk item format)",
      tag: "names",
      auth: "service",
      responseType: "application/x-ndjson",
    }),
    authenticate(),
    async (c) => {
      const domain = await servedDomain(c, c.req.param("domain"));
      authorizeDomain(c.get("caller"), domain.name);
      return c.body(exportDomain(namesOf(c, domain), domain.name), 200, { "Content-Type": "application/x-ndjson; charset=utf-8" });
    },
  );
