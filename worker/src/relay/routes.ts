import { type Context, Hono } from "hono";
import { describeRoute } from "../http/routeDocs";
import { createMiddleware } from "hono/factory";
import * as z from "zod";
import { deleteAcknowledgedMessages, listIncomingMessages } from "../db/messages";
import { onDm3Error } from "../http/errors";
import { limitBody } from "../http/limitBody";
import { clientKey, enforceRateLimit, limitPerIp } from "../http/rateLimit";
import { readJsonBody } from "../http/readJsonBody";
import { runInBackground } from "../http/runInBackground";
import { jsonBody, validate } from "../http/validate";
import { InvalidEnvelopeError, UnsupportedMethodError } from "./errors";
import { answerChallenge, createChallenge, relayName, requireSession } from "./sessions";
import { submitMessage } from "./submitMessage";
import { deliverDueWebhooks } from "./webhooks";

type RelayContext = Context<{ Bindings: Env }>;

/** Most envelopes one pickup returns (newest first); acknowledge them to see older ones. */
export const MAX_PICKUP_MESSAGES = 500;
const WEBHOOK_BATCH_ON_SUBMIT = 10;

const JsonRpcSchema = z.looseObject({
  jsonrpc: z.literal("2.0").optional(),
  method: z.string(),
  params: z.array(z.unknown()).optional(),
  id: z.union([z.string(), z.number(), z.null()]).optional(),
});
const ChallengeAnswerSchema = z.strictObject({ challenge: z.string().min(1).max(4096), signature: z.string().min(1).max(256) });
const AcknowledgementsSchema = z.looseObject({
  acknowledgements: z.array(z.looseObject({ contactAddress: z.string().min(1), messageHash: z.string().min(1) })).max(1000),
});

const services = (c: RelayContext) => c.get("services");
const database = (c: RelayContext) => services(c).db;
const relay = (c: RelayContext) => services(c).relay();
const nowSeconds = (c: RelayContext) => services(c).clock.nowSeconds();

/** Middleware: 401 unless the request carries a live session of the name in the path (before any body is read). */
function sessionOfPathName() {
  return createMiddleware<{ Bindings: Env }>(async function sessionOfPathName(c, next) {
    await requireSession(services(c).directory, relay(c), c.req.header("Authorization"), relayName(c.req.param("ensName") ?? ""));
    await next();
  });
}

/**
 * The dm3 delivery-service API (wire-compatible with dm3's clients): JSON-RPC `/rpc`,
 * challenge/response `/auth/{name}`, `/delivery/messages/…`, `/hello`. Errors carry dm3's `error`.
 */
export const relayRoutes = new Hono<{ Bindings: Env }>()
  .get("/hello", describeRoute({ operationId: "relayHello", summary: "Relay liveness", tag: "relay", auth: "none", responseType: "text/plain" }), (c) =>
    c.text("Hello DM3"),
  )
  // The body may hold the envelope limit plus the JSON-RPC wrapper and string escaping.
  .post(
    "/rpc",
    describeRoute({
      operationId: "relayRpc",
      summary: "JSON-RPC: dm3_submitMessage, dm3_getDeliveryServiceProperties",
      tag: "relay",
      auth: "none",
      body: JsonRpcSchema,
    }),
    (c, next) => limitBody(relay(c).sizeLimitBytes * 2 + 4096)(c, next),
    async (c) => {
      const config = relay(c);
      const call = validate(JsonRpcSchema, await readJsonBody(c), "body");
      switch (call.method) {
        case "dm3_submitMessage": {
          await enforceRateLimit(c.env, "SUBMITS_PER_IP_LIMITER", clientKey(c), "message submissions");
          if (!call.params?.length) throw new InvalidEnvelopeError("params must be [envelope JSON string]");
          const { db, clock, directory } = services(c);
          const domains = await services(c).domains();
          const { forwarded } = await submitMessage({ db, relay: config, domains, directory, nowMs: clock.nowMs() }, call.params[0]);
          // Gateway mode: try the webhook right away; the cron retries whatever fails.
          if (forwarded) runInBackground(c, "webhook delivery", deliverDueWebhooks(db, services(c).webhooks(), clock.nowMs(), WEBHOOK_BATCH_ON_SUBMIT));
          return c.json({ jsonrpc: "2.0", id: call.id ?? null, result: "success" });
        }
        case "dm3_getDeliveryServiceProperties":
          // `result` is a JSON string (dm3 clients JSON.parse it); only public properties.
          return c.json({
            jsonrpc: "2.0",
            id: call.id ?? null,
            result: JSON.stringify({ messageTTL: config.messageTtlMs, sizeLimit: config.sizeLimitBytes }),
          });
        default:
          throw new UnsupportedMethodError(call.method);
      }
    },
  )
  .use("/auth/*", limitPerIp("AUTH_PER_IP_LIMITER", "authentication attempts"))
  .get(
    "/auth/:ensName",
    describeRoute({ operationId: "relayChallenge", summary: "A challenge to sign with the profile signing key", tag: "relay", auth: "none" }),
    async (c) => c.json(await createChallenge(relay(c), relayName(c.req.param("ensName")), nowSeconds(c))),
  )
  .post(
    "/auth/:ensName",
    describeRoute({ operationId: "relayLogin", summary: "Answer a challenge; returns a session token", tag: "relay", auth: "none" }),
    limitBody(8 * 1024),
    jsonBody(ChallengeAnswerSchema),
    async (c) => {
      const answer = c.req.valid("json");
      const name = relayName(c.req.param("ensName"));
      return c.json(await answerChallenge(database(c), services(c).directory, relay(c), name, answer, nowSeconds(c)));
    },
  )
  .get(
    "/delivery/messages/incoming/:ensName",
    describeRoute({ operationId: "relayPickUp", summary: "The name's envelopes, newest first", tag: "relay", auth: "session" }),
    sessionOfPathName(),
    async (c) => {
      const name = relayName(c.req.param("ensName"));
      const rows = await listIncomingMessages(database(c), name, MAX_PICKUP_MESSAGES);
      return c.json(rows.map((row) => JSON.parse(row.envelope) as unknown));
    },
  )
  .post(
    "/delivery/messages/:ensName/syncAcknowledgements",
    describeRoute({ operationId: "relayAcknowledge", summary: "Delete acknowledged envelopes", tag: "relay", auth: "session" }),
    limitBody(256 * 1024),
    sessionOfPathName(),
    jsonBody(AcknowledgementsSchema),
    async (c) => {
      const name = relayName(c.req.param("ensName"));
      const db = database(c);
      const { acknowledgements } = c.req.valid("json");
      const deleted = await deleteAcknowledgedMessages(
        db,
        name,
        acknowledgements.map((ack) => ({ sender: ack.contactAddress, messageHash: ack.messageHash })),
      );
      return c.json({ acknowledged: deleted });
    },
  )
  .onError(onDm3Error);
