import { type Context, Hono } from "hono";
import { describeRoute } from "../http/routeDocs";
import * as z from "zod/mini";
import { deleteAcknowledgedMessages, listIncomingMessages } from "../db/messages";
import { onDm3Error } from "../http/errors";
import { limitBody } from "../http/limitBody";
import { limitPerIp } from "../http/rateLimit";
import { jsonBody } from "../http/validate";
import { saveSpamRules } from "../db/spamRules";
import { SpamRulesSchema } from "../protocol/dm3/spamRules";
import { findServingDomain } from "../shared/servedDomains";
import { notificationRoutes } from "./notificationRoutes";
import { ownerSession } from "./ownerSession";
import { answerChallenge, createChallenge, relayName } from "./sessions";
import { rpcRoutes } from "./rpcRoutes";
import { describeSpamRules, requireChainFor } from "./spamRulesView";

type RelayContext = Context;

/** Most envelopes one pickup returns (newest first); acknowledge them to see older ones. */
export const MAX_PICKUP_MESSAGES = 500;
const ChallengeAnswerSchema = z.strictObject({
  challenge: z.string().check(z.minLength(1), z.maxLength(4096)),
  signature: z.string().check(z.minLength(1), z.maxLength(256)),
});
const AcknowledgementsSchema = z.looseObject({
  acknowledgements: z
    .array(z.looseObject({ contactAddress: z.string().check(z.minLength(1)), messageHash: z.string().check(z.minLength(1)) }))
    .check(z.maxLength(1000)),
});

const services = (c: RelayContext) => c.get("services");
const database = (c: RelayContext) => services(c).db;
const relay = (c: RelayContext) => services(c).relay();
const nowSeconds = (c: RelayContext) => services(c).clock.nowSeconds();

/**
 * The dm3 delivery-service API (wire-compatible with dm3's clients): JSON-RPC `/rpc` (its own
 * module), challenge/response `/auth/{name}`, `/delivery/messages/…`, `/hello`, and the recipient's
 * spam rules `/delivery/spam-rules/{name}`. Errors carry dm3's `error`.
 */
export const relayRoutes = new Hono()
  .route("/", rpcRoutes)
  .route("/", notificationRoutes)
  .get("/hello", describeRoute({ operationId: "relayHello", summary: "Relay liveness", tag: "relay", auth: "none", responseType: "text/plain" }), (c) =>
    c.text("Hello DM3"),
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
    ownerSession(),
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
    ownerSession(),
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
  .get(
    "/delivery/spam-rules/:ensName",
    describeRoute({ operationId: "relayGetSpamRules", summary: "The name's spam rules (its own, or its domain's defaults)", tag: "relay", auth: "session" }),
    ownerSession(),
    async (c) => {
      const name = relayName(c.req.param("ensName"));
      const domain = findServingDomain(await services(c).domains(), name)?.name;
      return c.json(await describeSpamRules(database(c), name, c.get("sessionKey"), domain));
    },
  )
  .put(
    "/delivery/spam-rules/:ensName",
    describeRoute({ operationId: "relaySetSpamRules", summary: "Set the name's spam rules ({} removes them)", tag: "relay", auth: "session" }),
    limitBody(8 * 1024),
    ownerSession(),
    jsonBody(SpamRulesSchema),
    async (c) => {
      const name = relayName(c.req.param("ensName"));
      const { db, clock } = services(c);
      requireChainFor(services(c), c.req.valid("json"));
      await saveSpamRules(db, "name", name, c.req.valid("json"), clock.nowMs(), c.get("sessionKey"));
      const domain = findServingDomain(await services(c).domains(), name)?.name;
      return c.json(await describeSpamRules(db, name, c.get("sessionKey"), domain));
    },
  )
  .onError(onDm3Error);
