import { Hono } from "hono";
import { limitBody } from "../http/limitBody";
import { describeRoute } from "../http/routeDocs";
import { jsonBody, queryOf } from "../http/validate";
import { authenticateIfPresent } from "../shared/authenticate";
import { adminOnly, domainInPath } from "../shared/authorize";
import type { DomainInfo } from "./apiTypes";
import { listDomainAudit } from "./auditTrail";
import { NAME_LIMITS } from "./limits";
import { registerDomain } from "./registerDomain";
import { directoryWriteContext, domainRegistration } from "./routeContext";
import { AuditPageQuerySchema, DomainSchema, WebhookSchema } from "./schemas";
import { removeWebhook, setWebhook } from "./webhookSettings";

/** Domains (`/v1/domains…`): the public list; registration, gateway-mode webhooks and the audit trail (admin). */
export const domainRoutes = new Hono()
  // Public: what a client needs to resolve and sign against; the webhook is the tenant's business.
  .get(
    "/domains",
    describeRoute({ operationId: "listDomains", summary: "List the served domains (the admin token also shows webhooks)", tag: "domains", auth: "none" }),
    authenticateIfPresent(),
    async (c) => {
      const all = await c.get("services").domains();
      if (c.get("caller")?.kind === "admin") return c.json({ items: all });
      const items: DomainInfo[] = all.map(({ webhookUrl: _webhookUrl, database: _database, ...publicFields }) => publicFields);
      return c.json({ items });
    },
  )
  .put(
    "/domains/:domain",
    describeRoute({ operationId: "putDomain", summary: "Register or update a domain", tag: "domains", auth: "admin" }),
    limitBody(NAME_LIMITS.maxBodyBytes),
    adminOnly(),
    jsonBody(DomainSchema),
    async (c) => {
      return c.json(await registerDomain(await domainRegistration(c), c.req.param("domain"), c.req.valid("json")));
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
    adminOnly(),
    jsonBody(WebhookSchema),
    async (c) => {
      const domain = await domainInPath(c);
      const targets = c.get("services").webhooks().targets;
      return c.json(await setWebhook(directoryWriteContext(c), domain.name, c.req.valid("json").url, targets));
    },
  )
  .delete(
    "/domains/:domain/webhook",
    describeRoute({ operationId: "removeWebhook", summary: "Leave gateway mode", tag: "domains", auth: "admin" }),
    adminOnly(),
    async (c) => {
      const domain = await domainInPath(c);
      await removeWebhook(directoryWriteContext(c), domain.name);
      return c.json({ domain: domain.name, webhook: null });
    },
  )
  .get(
    "/domains/:domain/audit",
    describeRoute({ operationId: "auditTrail", summary: "A domain's audit trail, newest first", tag: "domains", auth: "admin" }),
    adminOnly(),
    queryOf(AuditPageQuerySchema),
    async (c) => {
      const services = c.get("services");
      const domain = await domainInPath(c);
      return c.json(await listDomainAudit(services.db, services.namesOf(domain), domain.name, c.req.valid("query")));
    },
  );
