/**
 * Property tests: generated hostile inputs against the gateway, the REST API and the relay. The
 * property is the same everywhere: no 5xx, no uncaught exception, every error a JSON 4xx with a
 * message. 100,000 generated inputs per run by default (70% gateway, 15% REST API, 15% relay);
 * `FUZZ_INPUTS=<n> npm test` scales the run.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { encodeFunctionData, type Hex, toHex } from "viem";
import { namehash, packetToBytes } from "viem/ens";
import { beforeAll, describe, expect, test } from "vitest";
import { offchainResolverAbi, recordResolverAbi } from "../src/abi";
import worker from "../src/index";
import { buildEnvelope } from "../src/protocol/dm3/buildEnvelope";
import { encryptAsymmetricToString } from "../src/protocol/dm3/asymmetric";
import { MAX_JSON_DEPTH } from "../src/protocol/dm3/jsonDepth";
import { generateDm3Keys } from "../src/protocol/dm3/keys";
import { settingsOf } from "../src/settings/settingsOf";
import { ADMIN_TOKEN, adminPut, alice, registerDomain, SENDER } from "./fixtures";

const INPUTS = Number(env.FUZZ_INPUTS || 100_000);
const GATEWAY_RUNS = Math.round(INPUTS * 0.7);
const REST_RUNS = Math.round(INPUTS * 0.15);
const RELAY_RUNS = INPUTS - GATEWAY_RUNS - REST_RUNS;
/** Deep inputs are ~100 KB each: one per 500 of the other inputs, at least 50. */
const DEEP_RUNS = Math.max(50, Math.round(INPUTS / 500));
const TEST_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Calls the worker's handler directly. (Through `exports.default.fetch`, a service call, workerd
 * stalled after some tens of thousands of calls inside one test; direct calls are also cheaper.)
 */
async function call(path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://gateway.test${path}`, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Every answer is < 500, and every 4xx is JSON with a non-empty message. */
async function expectClientSafe(response: Response): Promise<void> {
  expect(response.status, `server fault for a generated input: ${response.status}`).toBeLessThan(500);
  if (response.status >= 400) {
    const body = (await response.json()) as { message?: unknown };
    expect(typeof body.message).toBe("string");
  } else {
    await response.arrayBuffer();
  }
}

const hex = (minBytes = 0, maxBytes = 64) => fc.uint8Array({ minLength: minBytes, maxLength: maxBytes }).map((bytes) => toHex(bytes));
const label = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 0, maxLength: 12 }),
  fc.stringMatching(/^[a-z0-9-]{1,12}$/),
  fc.constantFrom("alice", "ALICE", "🦊", "\u200b", "xn--", "a.b", "[0x1234]", "", "\u0000"),
);
const name = fc
  .oneof(
    { weight: 8, arbitrary: fc.array(label, { minLength: 0, maxLength: 6 }) },
    // Huge and deeply nested: hundreds of labels, labels past DNS's 63 and 255 byte limits.
    { weight: 1, arbitrary: fc.array(fc.oneof(label, fc.string({ minLength: 64, maxLength: 300 })), { minLength: 50, maxLength: 300 }) },
  )
  .map((labels) => [...labels, "demo", "eth"].join("."));
/** Hex-looking strings that are not valid hex: odd length, stray characters, missing prefix. */
const malformedHex = fc.oneof(
  fc.stringMatching(/^0x[0-9a-fA-F]{1,301}$/),
  fc.stringMatching(/^(0x)?[0-9a-zA-Z]{0,80}$/),
  fc.constantFrom("0x", "0X00", "0x0", "0xgg", "00"),
);
const jsonValue = fc.jsonValue({ maxDepth: 4 });

/** A `resolve()` call with a generated DNS name and record call (often malformed on purpose). */
const resolveCall = fc
  .oneof(
    fc.record({ dnsName: hex(0, 80), inner: hex(0, 120) }),
    fc.record({
      dnsName: name.map((value) => {
        try {
          return toHex(packetToBytes(value));
        } catch {
          return "0x00" as Hex;
        }
      }),
      inner: fc.oneof(
        fc
          .tuple(name, fc.string({ maxLength: 40 }))
          .map(([value, key]) => encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [namehashOrZero(value), key] })),
        fc
          .tuple(name, fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }))
          .map(([value, coinType]) => encodeFunctionData({ abi: recordResolverAbi, functionName: "addr", args: [namehashOrZero(value), coinType] })),
        fc.array(hex(0, 80), { maxLength: 40 }).map((calls) => encodeFunctionData({ abi: recordResolverAbi, functionName: "multicall", args: [calls] })),
        hex(0, 100),
      ),
    }),
  )
  .map(({ dnsName, inner }) => encodeFunctionData({ abi: offchainResolverAbi, functionName: "resolve", args: [dnsName, inner] }));

function namehashOrZero(value: string): Hex {
  try {
    return namehash(value);
  } catch {
    return `0x${"00".repeat(32)}`;
  }
}

/**
 * JSON text nested `depth` levels: arrays (2 bytes a level, so up to 60,000 levels fit the bodies'
 * size limits) or objects (6 bytes a level), with a scalar or nothing at the bottom.
 */
const deepJson = fc.oneof(
  fc.integer({ min: MAX_JSON_DEPTH + 1, max: 60_000 }).map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`),
  fc.integer({ min: MAX_JSON_DEPTH + 1, max: 20_000 }).map((depth) => `${'{"a":'.repeat(depth)}"x"${"}".repeat(depth)}`),
);

const relayConfig = settingsOf(env).relay();
const DEEP = '"__deep__"';
const OWNER = JSON.stringify(alice.address);
/** An envelope for alice.demo.eth whose JSON text carries `DEEP` in place of `field`'s value. */
function envelopeWithDeep(field: "message" | "extra" | "deliveryInformation", deep: string): string {
  const envelope = buildEnvelope({
    message: { message: "hi" },
    to: "alice.demo.eth",
    from: "bob.demo.eth",
    recipientEncryptionKey: generateDm3Keys().encryption.publicKey,
    deliveryServiceEncryptionKey: relayConfig.encryption.publicKey,
    senderSigningKey: generateDm3Keys().signing.privateKey,
  });
  if (field === "deliveryInformation") {
    // Well encrypted to the delivery service, hostile inside.
    const plaintext = `{"to":"alice.demo.eth","from":"bob.demo.eth","x":${deep}}`;
    return JSON.stringify({
      ...envelope,
      metadata: { ...envelope.metadata, deliveryInformation: encryptAsymmetricToString(relayConfig.encryption.publicKey, plaintext) },
    });
  }
  const text = JSON.stringify(field === "message" ? { ...envelope, message: "__deep__" } : { ...envelope, extra: "__deep__" });
  return text.replace(DEEP, deep);
}

/** Every JSON body (and the JSON inside an envelope), with the hostile value at one of its places. */
const deepTargets: { what: string; path: string; method: string; admin: boolean; body: (deep: string) => string }[] = [
  ...["PUT", "PATCH"].flatMap((method) =>
    [
      (deep: string) => deep,
      (deep: string) => `{"owner":${OWNER},"texts":${deep}}`,
      (deep: string) => `{"owner":${OWNER},"texts":{"k":${deep}}}`,
      (deep: string) => `{"owner":${OWNER},"addresses":${deep}}`,
      (deep: string) => `{"owner":${OWNER},"contenthash":${deep}}`,
      (deep: string) => `{"owner":${OWNER},"dm3Profile":${deep}}`,
      (deep: string) => `{"owner":${OWNER},"dm3Profile":{"profile":${deep},"signature":"0x00"}}`,
    ].map((body, index) => ({ what: `${method} name body #${index}`, path: "/v1/names/deep.demo.eth", method, admin: true, body })),
  ),
  {
    what: "signed write",
    path: "/v1/names/deep.demo.eth/signed",
    method: "POST",
    admin: false,
    body: (deep) => `{"action":"put","records":${deep},"nonce":1,"expiry":1,"signature":"0x00"}`,
  },
  { what: "signed write body", path: "/v1/names/deep.demo.eth/signed", method: "POST", admin: false, body: (deep) => deep },
  { what: "bulk item", path: "/v1/domains/demo.eth/names/bulk", method: "POST", admin: true, body: (deep) => `{"names":[${deep}]}` },
  {
    what: "bulk profile",
    path: "/v1/domains/demo.eth/names/bulk",
    method: "POST",
    admin: true,
    body: (deep) => `{"names":[{"name":"deep.demo.eth","owner":${OWNER},"dm3Profile":${deep}}]}`,
  },
  { what: "domain", path: "/v1/domains/deep.eth", method: "PUT", admin: true, body: (deep) => deep },
  { what: "key label", path: "/v1/domains/demo.eth/keys", method: "POST", admin: true, body: (deep) => `{"label":${deep}}` },
  { what: "webhook url", path: "/v1/domains/demo.eth/webhook", method: "PUT", admin: true, body: (deep) => `{"url":${deep}}` },
  {
    what: "dm3 sign-up",
    path: "/profile/address",
    method: "POST",
    admin: false,
    body: (deep) => `{"signedUserProfile":${deep},"address":${OWNER},"subdomain":"demo.eth"}`,
  },
  {
    what: "dm3 sign-up profile",
    path: "/profile/address",
    method: "POST",
    admin: false,
    body: (deep) => `{"signedUserProfile":{"profile":${deep},"signature":"0x00"},"address":${OWNER},"subdomain":"demo.eth"}`,
  },
  { what: "gateway POST", path: "/ccip", method: "POST", admin: false, body: (deep) => `{"sender":${deep},"data":"0x"}` },
  { what: "JSON-RPC params", path: "/rpc", method: "POST", admin: false, body: (deep) => `{"jsonrpc":"2.0","method":"dm3_submitMessage","params":[${deep}]}` },
  ...(["message", "extra", "deliveryInformation"] as const).map((field) => ({
    what: `envelope ${field}`,
    path: "/rpc",
    method: "POST",
    admin: false,
    body: (deep: string) => JSON.stringify({ jsonrpc: "2.0", method: "dm3_submitMessage", params: [envelopeWithDeep(field, deep)] }),
  })),
  { what: "challenge answer", path: "/auth/alice.demo.eth", method: "POST", admin: false, body: (deep) => `{"challenge":${deep},"signature":"x"}` },
  {
    what: "outbound envelope",
    path: "/v1/domains/demo.eth/outbound",
    method: "POST",
    admin: true,
    body: (deep) => `{"from":"alice.demo.eth","to":"x.eth","envelopes":[{"deliveryService":"ds.eth","envelope":${deep}}]}`,
  },
  { what: "domain spam rules", path: "/v1/domains/demo.eth/spam-rules", method: "PUT", admin: true, body: (deep) => `{"minTokenBalance":${deep}}` },
];

beforeAll(async () => {
  await registerDomain("demo.eth");
  await adminPut("/v1/names/alice.demo.eth", { owner: alice.address, texts: { url: "https://alice.example" } });
});

describe("fuzz", () => {
  test(
    "the gateway: random, truncated and hostile call data over GET and POST",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(resolveCall, hex(0, 300), malformedHex, fc.string({ maxLength: 200 })),
          fc.oneof(fc.constant(SENDER), fc.string({ maxLength: 50 })),
          async (data, sender) => {
            await expectClientSafe(await call(`/ccip/${encodeURIComponent(sender)}/${encodeURIComponent(data)}.json`));
            await expectClientSafe(await call("/ccip", { method: "POST", body: JSON.stringify({ sender, data }) }));
          },
        ),
        { numRuns: GATEWAY_RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "the REST API: wrong JSON shapes, unicode names, bad query strings",
    async () => {
      const headers = { Authorization: `Bearer ${ADMIN_TOKEN}` };
      await fc.assert(
        fc.asyncProperty(name, fc.oneof(jsonValue, fc.string({ maxLength: 200 })), fc.string({ maxLength: 40 }), async (target, body, query) => {
          const path = `/v1/names/${encodeURIComponent(target)}`;
          const payload = typeof body === "string" ? body : JSON.stringify(body);
          await expectClientSafe(await call(path, { method: "PUT", headers, body: payload }));
          await expectClientSafe(await call(path, { method: "PATCH", headers, body: payload }));
          await expectClientSafe(await call(`${path}/signed`, { method: "POST", body: payload }));
          await expectClientSafe(await call(`/v1/domains/demo.eth/names?${query}`));
          await expectClientSafe(await call(path));
        }),
        { numRuns: REST_RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "the change feed: any cursor, limit and domain is a page or a 4xx, never a 5xx; a 200 is a well-formed page",
    async () => {
      const feedCursor = fc.oneof(
        fc.string({ maxLength: 60 }),
        fc.bigInt({ min: -2n, max: 10n ** 16n }).map(String),
        fc
          .tuple(fc.constantFrom("DB", "DB_2", "DB_9", "db", "1DB", ""), fc.oneof(fc.nat().map(String), fc.string({ maxLength: 5 })))
          .map(([binding, seq]) => `${binding}:${seq}`),
        fc.array(fc.constantFrom("DB:1", "DB_2:0", "DB:2", " DB:3", "DB_2:x"), { maxLength: 20 }).map((entries) => entries.join(",")),
      );
      const limit = fc.oneof(fc.integer({ min: -5, max: 2_000 }).map(String), fc.string({ maxLength: 8 }));
      const domain = fc.oneof(fc.constantFrom("demo.eth", "unknown.eth", "DEMO.eth", ""), fc.string({ maxLength: 20 }));
      await fc.assert(
        fc.asyncProperty(feedCursor, limit, domain, fc.string({ maxLength: 30 }), async (after, size, only, extra) => {
          const query = new URLSearchParams({ after, limit: size, domain: only });
          for (const path of [`/v1/changes?${query}`, `/v1/changes?after=${encodeURIComponent(after)}`, `/v1/changes?${extra}`]) {
            const response = await call(path);
            await expectClientSafe(response.clone());
            if (response.status === 200) {
              const page = (await response.json()) as { changes: unknown[]; cursor: string; more: boolean };
              expect(Array.isArray(page.changes)).toBe(true);
              expect(typeof page.cursor).toBe("string");
              expect(typeof page.more).toBe("boolean");
            }
          }
        }),
        { numRuns: REST_RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "deeply nested JSON in every body and free-form field: a 400 that names the depth limit (or 413), never a 5xx",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...deepTargets), deepJson, async (target, deep) => {
          const headers = target.admin ? { Authorization: `Bearer ${ADMIN_TOKEN}` } : undefined;
          const response = await call(target.path, { method: target.method, ...(headers && { headers }), body: target.body(deep) });
          expect([400, 413], `${target.what}: ${response.status}`).toContain(response.status);
          const body = (await response.json()) as { message: string };
          if (response.status === 400) expect(body.message, target.what).toContain(`more than ${MAX_JSON_DEPTH} levels deep`);
        }),
        { numRuns: DEEP_RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "the relay: JSON-RPC calls and envelopes of every shape, auth and pickup with junk",
    async () => {
      const envelope = fc.oneof(
        jsonValue,
        fc.record({
          message: fc.oneof(fc.string({ maxLength: 100 }), jsonValue),
          metadata: fc.record(
            {
              version: fc.string(),
              deliveryInformation: fc.oneof(fc.string({ maxLength: 200 }), jsonValue),
              encryptedMessageHash: fc.string(),
              signature: fc.string(),
            },
            { requiredKeys: [] },
          ),
        }),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.constant("dm3_submitMessage"), fc.constant("dm3_getDeliveryServiceProperties"), fc.string({ maxLength: 30 })),
          fc.oneof(
            envelope.map((value) => [JSON.stringify(value)]),
            fc.array(jsonValue, { maxLength: 3 }),
            jsonValue,
          ),
          name,
          fc.string({ maxLength: 200 }),
          async (method, params, ensName, junk) => {
            await expectClientSafe(await call("/rpc", { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", method, params, id: 1 }) }));
            await expectClientSafe(await call("/rpc", { method: "POST", body: junk }));
            await expectClientSafe(
              await call(`/auth/${encodeURIComponent(ensName)}`, { method: "POST", body: JSON.stringify({ challenge: junk, signature: junk }) }),
            );
            await expectClientSafe(await call(`/delivery/messages/incoming/${encodeURIComponent(ensName)}`, { headers: { Authorization: `Bearer ${junk}` } }));
            await expectClientSafe(
              await call(`/delivery/spam-rules/${encodeURIComponent(ensName)}`, { method: "PUT", headers: { Authorization: `Bearer ${junk}` }, body: junk }),
            );
          },
        ),
        { numRuns: RELAY_RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "the relay's service routes: outbound messages and spam rules of every shape, junk queries and ids",
    async () => {
      const headers = { Authorization: `Bearer ${ADMIN_TOKEN}` };
      const outbound = fc.oneof(
        jsonValue,
        fc.record(
          {
            from: fc.oneof(name, jsonValue),
            to: fc.oneof(name, jsonValue),
            envelopes: fc.oneof(
              fc.array(fc.record({ deliveryService: fc.oneof(name, jsonValue), envelope: jsonValue }, { requiredKeys: [] }), { maxLength: 10 }),
              jsonValue,
            ),
            maxAgeSeconds: fc.oneof(fc.integer(), jsonValue),
          },
          { requiredKeys: [] },
        ),
      );
      const rules = fc.oneof(
        jsonValue,
        fc.record(
          {
            minNonce: fc.oneof(fc.integer(), fc.double(), jsonValue),
            minBalance: fc.oneof(fc.string({ maxLength: 90 }), fc.bigInt().map(String), jsonValue),
            minTokenBalance: fc.oneof(
              fc.record({ address: fc.string({ maxLength: 50 }), amount: fc.string({ maxLength: 90 }) }, { requiredKeys: [] }),
              jsonValue,
            ),
          },
          { requiredKeys: [] },
        ),
      );
      await fc.assert(
        fc.asyncProperty(outbound, rules, fc.string({ maxLength: 60 }), fc.string({ maxLength: 80 }), async (message, spamRules, query, id) => {
          await expectClientSafe(await call("/v1/domains/demo.eth/outbound", { method: "POST", headers, body: JSON.stringify(message) }));
          await expectClientSafe(await call(`/v1/domains/demo.eth/outbound?${query}`, { headers }));
          await expectClientSafe(await call(`/v1/domains/demo.eth/outbound/${encodeURIComponent(id)}`, { headers }));
          await expectClientSafe(await call("/v1/domains/demo.eth/spam-rules", { method: "PUT", headers, body: JSON.stringify(spamRules) }));
        }),
        { numRuns: REST_RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
