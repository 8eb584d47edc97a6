import { type Context, Hono } from "hono";
import * as z from "zod/mini";
import { findOutboundMessage, listDomainOutboundMessages } from "../db/outboundMessages";
import { findSpamRules, saveSpamRules } from "../db/spamRules";
import { limitBody } from "../http/limitBody";
import { describeRoute } from "../http/routeDocs";
import { runInBackground } from "../http/runInBackground";
import { jsonBody, queryOf } from "../http/validate";
import { SpamRulesSchema } from "../protocol/dm3/spamRules";
import { adminOnly, domainInPath, domainService } from "../shared/authorize";
import type { DomainSpamRulesView, OutboundPage } from "./apiTypes";
import { attemptOutbound, MAX_OUTBOUND_ENVELOPES, OutboundRequestSchema, outboundView, queueOutbound } from "./outbound";
import { OutboundNotFoundError } from "./errors";
import { requireChainFor } from "./spamRulesView";
import { listWebhookQueue } from "./webhooks";

type ServiceContext = Context;

const services = (c: ServiceContext) => c.get("services");
const MAX_PAGE = 100;

const OutboundQuerySchema = z.strictObject({
  status: z.optional(z.enum(["pending", "delivered", "failed"])),
  cursor: z.optional(z.string().check(z.regex(/^\d{1,15}:0x[0-9a-f]{64}$/, "must be the nextCursor of the previous page"))),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_PAGE)), 50),
});

/**
 * The relay's routes for connected services (under `/v1`, with the registry's credentials: the
 * admin token or the domain's service key): outbound messages to DM3 users anywhere, the domain's
 * default spam rules for its names, and (admin) what waits for a gateway-mode domain's webhook.
 */
export const relayServiceRoutes = new Hono()
  .get(
    "/domains/:domain/webhook/queue",
    describeRoute({ operationId: "webhookQueue", summary: "Envelopes waiting for the webhook", tag: "domains", auth: "admin" }),
    adminOnly(),
    async (c) => {
      const domain = await domainInPath(c);
      return c.json({ items: await listWebhookQueue(services(c).db, domain.name) });
    },
  )
  .post(
    "/domains/:domain/outbound",
    describeRoute({
      operationId: "sendOutbound",
      summary: "Send a user's message to a DM3 user anywhere (queued; delivered to the recipient's delivery services)",
      tag: "relay",
      auth: "service",
      successStatus: 202,
    }),
    domainService(domainInPath),
    (c, next) => limitBody(services(c).relay().sizeLimitBytes * (MAX_OUTBOUND_ENVELOPES + 1) + 16 * 1024)(c, next),
    jsonBody(OutboundRequestSchema),
    async (c) => {
      const domain = c.req.param("domain");
      const { created, item } = await queueOutbound(services(c), domain, c.req.valid("json"));
      if (created) runInBackground(c, "outbound delivery", attemptOutbound(services(c), { domain, id: item.id }));
      return c.json({ created, item }, created ? 202 : 200);
    },
  )
  .get(
    "/domains/:domain/outbound",
    describeRoute({ operationId: "listOutbound", summary: "The domain's outbound messages, newest first", tag: "relay", auth: "service" }),
    domainService(domainInPath),
    queryOf(OutboundQuerySchema),
    async (c) => {
      const { status, cursor, limit } = c.req.valid("query");
      const [createdAtMs, id] = cursor ? (cursor.split(":") as [string, string]) : [];
      const rows = await listDomainOutboundMessages(services(c).db, {
        domain: c.req.param("domain"),
        ...(status && { status }),
        ...(createdAtMs !== undefined && id !== undefined && { before: { createdAtMs: Number(createdAtMs), id } }),
        limit,
      });
      const last = rows.length === limit ? rows[rows.length - 1] : undefined;
      const page: OutboundPage = { items: rows.map(outboundView), nextCursor: last ? `${last.createdAtMs}:${last.id}` : null };
      return c.json(page);
    },
  )
  .get(
    "/domains/:domain/outbound/:id",
    describeRoute({ operationId: "getOutbound", summary: "One outbound message: status, attempts, last error", tag: "relay", auth: "service" }),
    domainService(domainInPath),
    async (c) => {
      const id = c.req.param("id");
      const row = await findOutboundMessage(services(c).db, c.req.param("domain"), id);
      if (!row) throw new OutboundNotFoundError(id);
      return c.json(outboundView(row));
    },
  )
  .get(
    "/domains/:domain/spam-rules",
    describeRoute({ operationId: "getDomainSpamRules", summary: "The domain's default spam rules for its names", tag: "relay", auth: "service" }),
    domainService(domainInPath),
    async (c) => {
      const domain = c.req.param("domain");
      const view: DomainSpamRulesView = { domain, rules: (await findSpamRules(services(c).db, "domain", domain)) ?? {} };
      return c.json(view);
    },
  )
  .put(
    "/domains/:domain/spam-rules",
    describeRoute({
      operationId: "setDomainSpamRules",
      summary: "Set the domain's default spam rules ({} removes them; a name's own rules win)",
      tag: "relay",
      auth: "service",
    }),
    domainService(domainInPath),
    limitBody(8 * 1024),
    jsonBody(SpamRulesSchema),
    async (c) => {
      const domain = c.req.param("domain");
      const rules = c.req.valid("json");
      requireChainFor(services(c), rules);
      await saveSpamRules(services(c).db, "domain", domain, rules, services(c).clock.nowMs());
      const view: DomainSpamRulesView = { domain, rules };
      return c.json(view);
    },
  );
