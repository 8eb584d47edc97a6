import { type Context, Hono } from "hono";
import * as z from "zod/mini";
import { onJsonRpcError } from "../http/errors";
import { limitBody } from "../http/limitBody";
import { clientKey, enforceRateLimit } from "../http/rateLimit";
import { readJsonBody } from "../http/readJsonBody";
import { describeRoute } from "../http/routeDocs";
import { runInBackground } from "../http/runInBackground";
import { validate } from "../http/validate";
import { InvalidEnvelopeError, UnsupportedMethodError } from "./errors";
import { notifyNewMessage } from "./notifications";
import { getProfileExtension } from "./profileExtension";
import { submitMessage } from "./submitMessage";
import { stringify } from "../protocol/dm3/stringify";
import { wakeWebhookDeliveries } from "./wakeUps";

type RpcContext = Context;

const JsonRpcSchema = z.looseObject({
  jsonrpc: z.optional(z.literal("2.0")),
  method: z.string(),
  params: z.optional(z.array(z.unknown())),
  id: z.optional(z.union([z.string(), z.number(), z.null()])),
});

const services = (c: RpcContext) => c.get("services");

/**
 * `POST /rpc`, dm3's JSON-RPC endpoint: `dm3_submitMessage` and `dm3_getDeliveryServiceProperties`.
 * Errors are JSON-RPC error objects (dm3's -32010 spam, -32011 too big, …) with a 4xx/5xx status,
 * plus our `{ message, code }`.
 */
export const rpcRoutes = new Hono()
  .post(
    "/rpc",
    describeRoute({
      operationId: "relayRpc",
      summary: "JSON-RPC: dm3_submitMessage, dm3_getDeliveryServiceProperties, dm3_getProfileExtension",
      tag: "relay",
      auth: "none",
      body: JsonRpcSchema,
    }),
    // The body may hold the envelope limit plus the JSON-RPC wrapper and string escaping.
    (c, next) => limitBody(services(c).relay().sizeLimitBytes * 2 + 4096)(c, next),
    async (c) => {
      const config = services(c).relay();
      const call = validate(JsonRpcSchema, await readJsonBody(c), "body");
      c.set("jsonRpcId", call.id ?? null);
      switch (call.method) {
        case "dm3_submitMessage": {
          await enforceRateLimit(c, "SUBMITS_PER_IP_LIMITER", clientKey(c), "message submissions");
          if (!call.params?.length) throw new InvalidEnvelopeError("params must be [envelope JSON string]");
          const { forwarded, notice } = await submitMessage(services(c), call.params[0]);
          // Gateway mode: the webhook is tried right away; failures retry from the queue.
          if (forwarded) runInBackground(c, "webhook delivery", wakeWebhookDeliveries(services(c)));
          if (notice) runInBackground(c, "notification", notifyNewMessage(services(c), notice));
          return c.json({ jsonrpc: "2.0", id: call.id ?? null, result: "success" });
        }
        case "dm3_getDeliveryServiceProperties":
          // `result` is a JSON string (dm3 clients JSON.parse it); dm3's specification: the TTL in
          // days (0 = kept until acknowledged), the size limit in bytes of the envelope.
          return c.json({
            jsonrpc: "2.0",
            id: call.id ?? null,
            // What the relay guarantees to every recipient: names served elsewhere get the foreign TTL.
            result: stringify({ messageTTL: config.guaranteedMessageTtlDays, sizeLimit: config.sizeLimitBytes }),
          });
        case "dm3_getProfileExtension":
          // As dm3's delivery service answers it: the extension as a JSON string.
          return c.json({ jsonrpc: "2.0", id: call.id ?? null, result: stringify(await getProfileExtension(services(c), call.params?.[0])) });
        default:
          throw new UnsupportedMethodError(call.method);
      }
    },
  )
  .onError(onJsonRpcError);
