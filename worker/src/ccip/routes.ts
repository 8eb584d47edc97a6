import { type ContextVariableMap, Hono } from "hono";
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
      const answer = await answerGetLookup(c.get("lookup"), { sender, data, ifNoneMatch: c.req.header("If-None-Match") }, (work) =>
        runInBackground(c, "answer cache write", work),
      );
      return answer.status === 304 ? c.body(null, 304, answer.headers) : c.body(answer.body, 200, answer.headers);
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
      const defer = (work: Promise<unknown>) => runInBackground(c, "answer cache write", work);
      return c.json({ data: (await answerResolveCall(answerContext(c.get("lookup"), defer), checkRequest(sender, data))).data });
    },
  );

/** What `GET /ccip/{sender}/{data}` answers when it succeeds: a JSON body, or 304 for a matching `If-None-Match`. */
export type GetLookupAnswer = { headers: Record<string, string> } & ({ status: 200; body: string } | { status: 304; body: null });

/**
 * Answers `GET /ccip/{sender}/{data}` (`data` with or without `.json`): the signed answer, HTTP
 * cache headers no longer than its signature lives, and an ETag. Shared by this route and the
 * lookup's hono-free fast path (`app/lookupApp.ts`), so both answer byte for byte the same.
 *
 * @param defer runs work after the response (answer cache writes).
 */
export async function answerGetLookup(
  lookup: Lookup,
  request: { sender: string; data: string; ifNoneMatch: string | undefined },
  defer: (work: Promise<unknown>) => void,
): Promise<GetLookupAnswer> {
  const { sender, data } = request;
  const callData = data.endsWith(JSON_SUFFIX) ? data.slice(0, -JSON_SUFFIX.length) : data;
  const answer = await answerResolveCall(answerContext(lookup, defer), checkRequest(sender, callData));
  // HTTP caches may keep the answer no longer than its signature lives (minus a margin).
  const maxAge = Math.max(0, answer.expiresSeconds - lookup.clock.nowSeconds() - MIN_REMAINING_SECONDS);
  const etag = `"${answerTag(answer.data)}"`;
  const headers = { "Cache-Control": `public, max-age=${maxAge}`, ETag: etag };
  if (request.ifNoneMatch === etag) return { status: 304, body: null, headers };
  return { status: 200, body: JSON.stringify({ data: answer.data }), headers: { ...headers, "Content-Type": "application/json" } };
}

/** A lookup's services (`c.get("lookup")`: the lean ones of the lookup app, or the main app's). */
type Lookup = ContextVariableMap["lookup"];

function answerContext(lookup: Lookup, defer: (work: Promise<unknown>) => void): AnswerContext {
  const { settings } = lookup;
  const gateway = settings.gateway();
  return {
    namesOf: lookup.nameClientOf,
    servedRecord: servedRecords(settings),
    domains: lookup.domains(),
    signer: gateway.signer,
    signatureTtlSeconds: gateway.signatureTtlSeconds,
    nowSeconds: lookup.clock.nowSeconds(),
    cache: settings.answerCacheEnabled() ? lookup.answerCache : undefined,
    defer,
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
