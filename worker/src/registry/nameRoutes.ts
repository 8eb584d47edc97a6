import { Hono } from "hono";
import { limitBody } from "../http/limitBody";
import { limitPerIp } from "../http/rateLimit";
import { readJsonBody } from "../http/readJsonBody";
import { describeRoute } from "../http/routeDocs";
import { jsonBody, validate } from "../http/validate";
import { domainInPath, domainService } from "../shared/authorize";
import { bulkUpsert } from "./bulkUpsert";
import { exportDomain } from "./exportDomain";
import { NAME_LIMITS } from "./limits";
import { deleteName, patchName, putName } from "./nameWrites";
import { domainOfNameInPath, nameWriteContext } from "./routeContext";
import { BulkSchema, NamePatchSchema, NameRecordsSchema, SignedNameWriteSchema } from "./schemas";
import { applySignedWrite } from "./signedWrites";

/** Name writes: by a service (admin token or the domain's API key), or signed by the owner (EIP-712); bulk and export. */
export const nameRoutes = new Hono()
  .put(
    "/names/:name",
    describeRoute({ operationId: "putName", summary: "Create or replace a name with all its records", tag: "names", auth: "service" }),
    limitBody(NAME_LIMITS.maxBodyBytes),
    domainService(domainOfNameInPath),
    jsonBody(NameRecordsSchema),
    async (c) => {
      const domain = c.get("authorizedDomain");
      return c.json(await putName(nameWriteContext(c, domain), domain, c.req.param("name"), c.req.valid("json")));
    },
  )
  .patch(
    "/names/:name",
    describeRoute({ operationId: "patchName", summary: "Update some records (null deletes an entry)", tag: "names", auth: "service" }),
    limitBody(NAME_LIMITS.maxBodyBytes),
    domainService(domainOfNameInPath),
    jsonBody(NamePatchSchema),
    async (c) => {
      const domain = c.get("authorizedDomain");
      return c.json(await patchName(nameWriteContext(c, domain), domain, c.req.param("name"), c.req.valid("json")));
    },
  )
  .delete(
    "/names/:name",
    describeRoute({ operationId: "deleteName", summary: "Delete a name", tag: "names", auth: "service" }),
    domainService(domainOfNameInPath),
    async (c) => {
      const domain = c.get("authorizedDomain");
      await deleteName(nameWriteContext(c, domain), domain, c.req.param("name"));
      return c.json({ name: c.req.param("name"), deleted: true });
    },
  )
  // Signed by the owner's wallet (EIP-712): the signature is the credential.
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
      const domain = await domainOfNameInPath(c);
      const body = await readJsonBody(c);
      const write = validate(SignedNameWriteSchema, body, "body");
      const view = await applySignedWrite(nameWriteContext(c, domain, "unverified"), domain, name, write, (body as { records?: unknown }).records);
      return c.json(view ?? { name, deleted: true });
    },
  )
  .post(
    "/domains/:domain/names/bulk",
    describeRoute({ operationId: "bulkPutNames", summary: "Create or replace up to 1,000 names", tag: "names", auth: "service" }),
    limitBody(NAME_LIMITS.maxBulkBodyBytes),
    domainService(domainInPath),
    jsonBody(BulkSchema),
    async (c) => {
      const domain = c.get("authorizedDomain");
      return c.json(await bulkUpsert(nameWriteContext(c, domain), await c.get("services").domains(), domain, c.req.valid("json").names));
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
    domainService(domainInPath),
    async (c) => {
      const domain = c.get("authorizedDomain");
      return c.body(exportDomain(c.get("services").namesOf(domain), domain.name), 200, { "Content-Type": "application/x-ndjson; charset=utf-8" });
    },
  );
