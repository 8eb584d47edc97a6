import { Hono } from "hono";
import { limitBody } from "../http/limitBody";
import { describeRoute } from "../http/routeDocs";
import { jsonBody } from "../http/validate";
import { adminOnly, domainInPath } from "../shared/authorize";
import { createApiKey, listDomainApiKeys, revokeApiKey } from "./apiKeys";
import { NAME_LIMITS } from "./limits";
import { directoryWriteContext } from "./routeContext";
import { ApiKeyCreateSchema } from "./schemas";

/** Service API keys (admin only): create (shown once), list, revoke. */
export const keyRoutes = new Hono()
  .post(
    "/domains/:domain/keys",
    describeRoute({ operationId: "createApiKey", summary: "Create a service API key (shown once)", tag: "keys", auth: "admin", successStatus: 201 }),
    limitBody(NAME_LIMITS.maxBodyBytes),
    adminOnly(),
    jsonBody(ApiKeyCreateSchema),
    async (c) => {
      const domain = await domainInPath(c);
      return c.json(await createApiKey(directoryWriteContext(c), domain.name, c.req.valid("json")), 201);
    },
  )
  .get(
    "/domains/:domain/keys",
    describeRoute({ operationId: "listApiKeys", summary: "List a domain's API keys (no secrets)", tag: "keys", auth: "admin" }),
    adminOnly(),
    async (c) => {
      const domain = await domainInPath(c);
      return c.json({ items: await listDomainApiKeys(c.get("services").db, domain.name) });
    },
  )
  .delete("/keys/:id", describeRoute({ operationId: "revokeApiKey", summary: "Revoke an API key", tag: "keys", auth: "admin" }), adminOnly(), async (c) =>
    c.json(await revokeApiKey(directoryWriteContext(c), c.req.param("id"))),
  );
