import { Hono } from "hono";
import { type Hex, isAddress, isHex } from "viem";
import { createDatabase } from "../db/client";
import { parseConfig } from "../env";
import { limitBody } from "../http/limitBody";
import { readJsonBody } from "../http/readJsonBody";
import { listServedDomains } from "../registry/servedDomains";
import { type AnswerContext, answerResolveCall } from "./answerResolveCall";
import { MAX_CALL_DATA_BYTES } from "./decodeResolveCall";
import { InvalidCcipRequestError } from "./errors";
import { deliveryServiceRecord } from "../relay/deliveryServiceRecord";

/** Largest POST body: the JSON around the biggest accepted call data. */
export const MAX_CCIP_BODY_BYTES = 2 * MAX_CALL_DATA_BYTES + 1024;
const JSON_SUFFIX = ".json";

/**
 * EIP-3668 gateway: `GET /ccip/{sender}/{data}.json` and `POST /ccip {sender, data}`, answering
 * `{ data }`. `sender` is checked for form only and trusted for nothing.
 *
 * @see https://eips.ethereum.org/EIPS/eip-3668#gateway-interface
 */
export const ccipRoutes = new Hono<{ Bindings: Env }>()
  .get("/:sender/:data", async (c) => {
    const { sender, data } = c.req.param();
    const callData = data.endsWith(JSON_SUFFIX) ? data.slice(0, -JSON_SUFFIX.length) : data;
    return c.json({ data: await answerResolveCall(answerContext(c.env, new URL(c.req.url).origin), checkRequest(sender, callData)) });
  })
  .post("/", limitBody(MAX_CCIP_BODY_BYTES), async (c) => {
    // EIP-3668 clients POST JSON, but not always with a JSON Content-Type: parse whatever it says.
    const body = await readJsonBody(c);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new InvalidCcipRequestError("Request body must be a JSON object {sender, data}");
    }
    const { sender, data } = body as Record<string, unknown>;
    return c.json({ data: await answerResolveCall(answerContext(c.env, new URL(c.req.url).origin), checkRequest(sender, data)) });
  });

function answerContext(env: Env, origin: string): AnswerContext {
  const config = parseConfig(env);
  const db = createDatabase(env.DB);
  return {
    db,
    servedRecord: deliveryServiceRecord(env, origin),
    domains: listServedDomains(env.DB, db),
    signer: config.signer,
    signatureTtlSeconds: config.signatureTtlSeconds,
    nowSeconds: Math.floor(Date.now() / 1000),
  };
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
