import { type Context, Hono } from "hono";
import * as z from "zod/mini";
import { described } from "../protocol/described";
import { describeRoute } from "../http/routeDocs";
import { type Hex, isAddress, isHex } from "viem";
import { limitBody } from "../http/limitBody";
import { readJsonBody } from "../http/readJsonBody";
import { runInBackground } from "../http/runInBackground";
import { MIN_REMAINING_SECONDS } from "../shared/answerCache";
import { type AnswerContext, answerResolveCall } from "./answerResolveCall";
import { MAX_CALL_DATA_BYTES } from "../protocol/ccip/decodeResolveCall";
import { InvalidCcipRequestError } from "./errors";
import { deliveryServiceRecord } from "../shared/deliveryServiceRecord";
import { registryRecords } from "./registryRecords";
import type { Settings } from "../settings/settingsOf";

/** What an EIP-3668 client POSTs (documented; checked by `checkRequest`, which names the field). */
const CcipRequestSchema = z.object({
  sender: described(z.string(), { description: "0x address (trusted for nothing)" }),
  data: described(z.string(), { description: "0x resolve(bytes,bytes) call data" }),
});

/** Largest POST body: the JSON around the biggest accepted call data. */
export const MAX_CCIP_BODY_BYTES = 2 * MAX_CALL_DATA_BYTES + 1024;
const JSON_SUFFIX = ".json";

/**
 * EIP-3668 gateway: `GET /ccip/{sender}/{data}.json` and `POST /ccip {sender, data}`, answering
 * `{ data }`. `sender` is checked for form only and trusted for nothing.
 *
 * @see https://eips.ethereum.org/EIPS/eip-3668#gateway-interface
 */
export const ccipRoutes = new Hono()
  .get(
    "/:sender/:data",
    describeRoute({ operationId: "ccipLookup", summary: "EIP-3668 gateway lookup (GET; `.json` suffix optional)", tag: "gateway", auth: "none" }),
    async (c) => {
      const { sender, data } = c.req.param();
      const callData = data.endsWith(JSON_SUFFIX) ? data.slice(0, -JSON_SUFFIX.length) : data;
      const answer = await answerResolveCall(answerContext(c), checkRequest(sender, callData));
      // HTTP caches may keep the answer no longer than its signature lives (minus a margin).
      const maxAge = Math.max(0, answer.expiresSeconds - c.get("lookup").clock.nowSeconds() - MIN_REMAINING_SECONDS);
      const etag = `"${answerTag(answer.data)}"`;
      c.header("Cache-Control", `public, max-age=${maxAge}`);
      c.header("ETag", etag);
      if (c.req.header("If-None-Match") === etag) return c.body(null, 304);
      return c.json({ data: answer.data });
    },
  )
  .post(
    "/",
    describeRoute({
      operationId: "ccipLookupPost",
      summary: "EIP-3668 gateway lookup (POST {sender, data})",
      tag: "gateway",
      auth: "none",
      body: CcipRequestSchema,
    }),
    limitBody(MAX_CCIP_BODY_BYTES),
    async (c) => {
      // EIP-3668 clients POST JSON, but not always with a JSON Content-Type: parse whatever it says.
      const body = await readJsonBody(c);
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        throw new InvalidCcipRequestError("Request body must be a JSON object {sender, data}");
      }
      const { sender, data } = body as Record<string, unknown>;
      return c.json({ data: (await answerResolveCall(answerContext(c), checkRequest(sender, data))).data });
    },
  );

function answerContext(c: Context): AnswerContext {
  const services = c.get("lookup");
  const { settings } = services;
  const gateway = settings.gateway();
  return {
    namesOf: services.namesOf,
    servedRecord: servedRecords(settings),
    domains: services.domains(),
    signer: gateway.signer,
    signatureTtlSeconds: gateway.signatureTtlSeconds,
    nowSeconds: services.clock.nowSeconds(),
    cache: settings.answerCacheEnabled() ? services.answerCache : undefined,
    defer: (work) => runInBackground(c, "answer cache write", work),
  };
}

const servedRecordsBySettings = new WeakMap<Settings, NonNullable<AnswerContext["servedRecord"]>>();

/** Records the worker answers itself: the delivery service's profile, and where each domain's names are published (built once per isolate). */
function servedRecords(settings: Settings): NonNullable<AnswerContext["servedRecord"]> {
  let served = servedRecordsBySettings.get(settings);
  if (!served) {
    const deliveryService = deliveryServiceRecord(settings.dsName, settings.relay);
    const registry = registryRecords(settings.publicUrl);
    served = (name, record, domain) => deliveryService(name, record) ?? registry(name, record, domain);
    servedRecordsBySettings.set(settings, served);
  }
  return served;
}

/**
 * An answer's entity tag: the first 16 bytes of its signature's `r`, which differs whenever the
 * request, result or expiry does (no hashing of the answer). The answer is
 * `abi.encode(bytes result, uint64 expires, bytes sig)`, so it ends with the 65-byte signature padded
 * to 96 bytes.
 */
function answerTag(data: Hex): string {
  return data.slice(-192, -160);
}

function checkRequest(sender: unknown, data: unknown): Hex {
  if (typeof sender !== "string" || !isAddress(sender, { strict: false })) {
    throw new InvalidCcipRequestError("`sender` must be a 20-byte 0x-hex address");
  }
  if (typeof data !== "string" || !isHex(data, { strict: true })) {
    throw new InvalidCcipRequestError("`data` must be 0x-prefixed hex");
  }
  return data;
}
