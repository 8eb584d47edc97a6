import { Hono } from "hono";
import { describeRoute } from "../http/routeDocs";
import { domainInPath } from "../shared/authorize";
import { queryOf, validate } from "../http/validate";
import { findServingDomain, servedDomainNamed } from "../shared/servedDomains";
import { listChanges } from "./changesFeed";
import { listDomainNames, listNamesOfOwner } from "./listing";
import { getName, nameNonce } from "./nameQueries";
import { domainOfNameInPath } from "./routeContext";
import { AddressSchema, ChangesQuerySchema, ListQuerySchema, PageQuerySchema } from "./schemas";

/** The registry's public reads: the change feed, listings, reverse lookup, a name, its nonce. */
export const readRoutes = new Hono()
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
      const services = c.get("services");
      const query = c.req.valid("query");
      const only = query.domain === undefined ? undefined : servedDomainNamed(await services.domains(), query.domain);
      const sources = only ? [{ binding: only.database, db: services.namesOf(only) }] : services.allNameDatabases();
      return c.json(await listChanges(sources, query, services.settings.changesRetentionDays()));
    },
  )
  .get(
    "/domains/:domain/names",
    describeRoute({ operationId: "listNames", summary: "List or search a domain's names", tag: "names", auth: "none" }),
    queryOf(ListQuerySchema),
    async (c) => {
      const domain = await domainInPath(c);
      return c.json(await listDomainNames(c.get("services").namesOf(domain), domain.name, c.req.valid("query")));
    },
  )
  .get(
    "/addresses/:address/names",
    describeRoute({ operationId: "namesOfAddress", summary: "Names recorded for an owner address (with ownerProven)", tag: "names", auth: "none" }),
    queryOf(PageQuerySchema),
    async (c) => {
      const owner = validate(AddressSchema, c.req.param("address"), "address");
      return c.json(await listNamesOfOwner(c.get("services").allNameDatabases(), owner, c.req.valid("query")));
    },
  )
  .get("/names/:name", describeRoute({ operationId: "getName", summary: "A name, its records and its DM3 profile", tag: "names", auth: "none" }), async (c) => {
    const services = c.get("services");
    const name = c.req.param("name");
    // A name under no served domain is simply not registered here.
    const domain = findServingDomain(await services.domains(), name);
    return c.json(await getName(domain ? services.namesOf(domain) : services.db, name));
  })
  .get(
    "/names/:name/nonce",
    describeRoute({ operationId: "getNameNonce", summary: "Last owner-signed nonce and the EIP-712 domain for the next write", tag: "names", auth: "none" }),
    async (c) => {
      const domain = await domainOfNameInPath(c);
      return c.json(await nameNonce(c.get("services").namesOf(domain), domain, c.req.param("name")));
    },
  );
