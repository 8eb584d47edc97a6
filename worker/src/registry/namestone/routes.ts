import { type Context, Hono } from "hono";
import { namehash } from "viem/ens";
import { findNameWithRecords, listNameRows, loadRecords } from "../../db/nameReads";
import { onDm3Error } from "../../http/errors";
import { limitBody } from "../../http/limitBody";
import { readJsonBody } from "../../http/readJsonBody";
import { describeRoute } from "../../http/routeDocs";
import { InvalidInputError, queryOf, validate } from "../../http/validate";
import { authenticateIfPresent, type Caller } from "../../shared/authenticate";
import { domainService } from "../../shared/authorize";
import { type ServedDomain, servedDomainNamed } from "../../shared/servedDomains";
import { bulkUpsert } from "../bulkUpsert";
import { ConflictError, ForbiddenError, NameNotFoundError } from "../errors";
import { NAME_LIMITS } from "../limits";
import { claimName, deleteName, putName } from "../nameWrites";
import { nameWriteContext } from "../routeContext";
import { domainOfName } from "../storedName";
import { namestoneView, recordsOfNamestone } from "./namestoneView";
import { onboardingRoutes } from "./onboardingRoutes";
import {
  DeleteNameSchema,
  flagOn,
  GetDomainQuerySchema,
  GetNamesQuerySchema,
  SearchNamesQuerySchema,
  SetDomainSchema,
  SetNameSchema,
  SetNamesSchema,
} from "./schemas";

// NameStone sends its API key bare (`Authorization: <key>`); ours are accepted that way here too.
const NAMESTONE_CREDENTIAL = { bare: true } as const;

/** The served domain the JSON body's `domain` names (404 when none), read before the key is checked against it. */
async function domainInBody(c: Context): Promise<ServedDomain> {
  const body = (await readJsonBody(c)) as { domain?: unknown } | null;
  if (typeof body?.domain !== "string") throw new InvalidInputError("domain: required");
  return servedDomainNamed(await c.get("services").domains(), body.domain);
}

/** A write's body, checked against `schema`, for the authorized domain. */
async function bodyOf<Schema extends Parameters<typeof validate>[0]>(c: Context, schema: Schema) {
  return validate(schema, await readJsonBody(c), "body");
}

/** `label.domain`, which must belong to `domain` itself (not to a served domain nested in it). */
async function fullName(c: Context, domain: ServedDomain, label: string): Promise<string> {
  const name = `${label}.${domain.name}`;
  if (domainOfName(await c.get("services").domains(), name).name !== domain.name) throw new ForbiddenError(`"${name}" belongs to another served domain`);
  return name;
}

/** NameStone lists subnames only: the domain's own name (set-domain's) is get-domain's. */
function subnamesOf<Entry extends { name: string }>(entries: Entry[], domain: ServedDomain): Entry[] {
  return entries.filter((entry) => entry.name !== domain.name);
}

const write = (operationId: string, summary: string) => describeRoute({ operationId, summary, tag: "namestone", auth: "service" });
const read = (operationId: string, summary: string) => describeRoute({ operationId, summary, tag: "namestone", auth: "none" });

/**
 * NameStone's public API (`/api/public_v1` there), mapped onto this registry, so a service that used
 * NameStone moves by changing its SDK's `baseUrl`. Writes need one of our service keys (sent bare
 * or as `Bearer`), which only reaches its own domain; reads are public, as the registry's are.
 * Errors carry NameStone's `error` field beside our `message` and `code`.
 *
 * @see https://github.com/namestonehq/namestone/tree/main/data/docs
 */
export const namestoneRoutes = new Hono()
  .post(
    "/set-name",
    write("namestoneSetName", "NameStone: create or replace a name with its records"),
    limitBody(NAME_LIMITS.maxBodyBytes),
    domainService(domainInBody, NAMESTONE_CREDENTIAL),
    async (c) => {
      const domain = c.get("authorizedDomain");
      const input = await bodyOf(c, SetNameSchema);
      await putName(nameWriteContext(c, domain), domain, await fullName(c, domain, input.name), recordsOfNamestone(input));
      return c.json({ success: true });
    },
  )
  .post(
    "/set-names",
    write("namestoneSetNames", "NameStone: create or replace up to 50 names, all or nothing"),
    limitBody(NAME_LIMITS.maxBulkBodyBytes),
    domainService(domainInBody, NAMESTONE_CREDENTIAL),
    async (c) => {
      const domain = c.get("authorizedDomain");
      const input = await bodyOf(c, SetNamesSchema);
      const items: { name: string }[] = [];
      const errors: { index: number; name: string; error: string }[] = [];
      for (const [index, item] of input.names.entries()) {
        try {
          items.push({ name: await fullName(c, domain, item.name), ...recordsOfNamestone(item) });
        } catch (error) {
          errors.push({ index, name: item.name, error: error instanceof Error ? error.message : String(error) });
        }
      }
      const outcome =
        errors.length > 0 ? undefined : await bulkUpsert(nameWriteContext(c, domain), await c.get("services").domains(), domain, items, { allOrNothing: true });
      for (const [index, result] of (outcome?.results ?? []).entries()) {
        if (!result.ok) errors.push({ index, name: input.names[index]?.name ?? result.name, error: result.message });
      }
      if (errors.length > 0) {
        return c.json(
          {
            error: "Batch operation failed",
            message: "Batch operation failed: nothing was written",
            code: "batch_refused",
            processed: 0,
            errors,
            total: input.names.length,
          },
          400,
        );
      }
      return c.json({
        success: true,
        processed: input.names.length,
        results: input.names.map((item, index) => ({ index, name: item.name, success: true })),
      });
    },
  )
  .post(
    "/claim-name",
    write("namestoneClaimName", "NameStone: create a name only if it does not exist (single_claim=1: one name per address)"),
    limitBody(NAME_LIMITS.maxBodyBytes),
    domainService(domainInBody, NAMESTONE_CREDENTIAL),
    async (c) => {
      const domain = c.get("authorizedDomain");
      const input = await bodyOf(c, SetNameSchema);
      const records = recordsOfNamestone(input);
      const db = c.get("services").namesOf(domain);
      if (
        flagOn(c.req.query("single_claim"), false) &&
        (await listNameRows(db, { domain: domain.name, owners: [records.owner], limit: 1, offset: 0 })).length > 0
      ) {
        throw new ConflictError(`${records.owner} already holds a name under ${domain.name} (single_claim)`);
      }
      await claimName(nameWriteContext(c, domain), domain, await fullName(c, domain, input.name), records);
      return c.json({ success: true });
    },
  )
  .post(
    "/delete-name",
    write("namestoneDeleteName", "NameStone: delete a name"),
    limitBody(NAME_LIMITS.maxBodyBytes),
    domainService(domainInBody, NAMESTONE_CREDENTIAL),
    async (c) => {
      const domain = c.get("authorizedDomain");
      const input = await bodyOf(c, DeleteNameSchema);
      await deleteName(nameWriteContext(c, domain), domain, await fullName(c, domain, input.name));
      return c.json({ success: true });
    },
  )
  .post(
    "/set-domain",
    write("namestoneSetDomain", "NameStone: set the records of the domain's own name"),
    limitBody(NAME_LIMITS.maxBodyBytes),
    domainService(domainInBody, NAMESTONE_CREDENTIAL),
    async (c) => {
      const domain = c.get("authorizedDomain");
      const input = await bodyOf(c, SetDomainSchema);
      await putName(nameWriteContext(c, domain), domain, domain.name, recordsOfNamestone(input));
      return c.json({ success: true });
    },
  )
  .get(
    "/get-names",
    read("namestoneGetNames", "NameStone: a domain's names (all of the key's domain without `domain`), by owner, by offset"),
    authenticateIfPresent(NAMESTONE_CREDENTIAL),
    queryOf(GetNamesQuerySchema),
    async (c) => {
      const query = c.req.valid("query");
      const caller = c.get("caller") as Caller | undefined;
      const domainName = query.domain ?? (caller?.kind === "apiKey" ? caller.domain : undefined);
      if (!domainName) throw new InvalidInputError("domain: required (or send a service key: its domain is used)");
      const domain = servedDomainNamed(await c.get("services").domains(), domainName);
      const owners = query.address
        ?.split(",")
        .map((address) => address.trim())
        .filter(Boolean);
      const db = c.get("services").namesOf(domain);
      const rows = await listNameRows(db, { domain: domain.name, ...(owners && { owners }), limit: query.limit, offset: query.offset });
      return c.json(subnamesOf(await loadRecords(db, rows), domain).map((entry) => namestoneView(entry, flagOn(query.text_records, true))));
    },
  )
  .get(
    "/search-names",
    read("namestoneSearchNames", "NameStone: a domain's names whose label starts with (or is) `name`"),
    queryOf(SearchNamesQuerySchema),
    async (c) => {
      const query = c.req.valid("query");
      const domain = servedDomainNamed(await c.get("services").domains(), query.domain);
      const db = c.get("services").namesOf(domain);
      const match = flagOn(query.exact_match, false) ? { exactName: `${query.name}.${domain.name}` } : { prefix: query.name };
      const rows = await listNameRows(db, { domain: domain.name, ...match, limit: query.limit, offset: query.offset });
      return c.json(subnamesOf(await loadRecords(db, rows), domain).map((entry) => namestoneView(entry, flagOn(query.text_records, true))));
    },
  )
  .get("/get-domain", read("namestoneGetDomain", "NameStone: the records of the domain's own name"), queryOf(GetDomainQuerySchema), async (c) => {
    const domain = servedDomainNamed(await c.get("services").domains(), c.req.valid("query").domain);
    const entry = await findNameWithRecords(c.get("services").namesOf(domain), namehash(domain.name));
    if (!entry) throw new NameNotFoundError(domain.name);
    const { name: _label, ...view } = namestoneView(entry, true);
    return c.json(view);
  })
  .route("/", onboardingRoutes)
  .onError(onDm3Error);
