/**
 * Rate limits: each production limiter is swapped for TEST_LIMITER (a real rate-limiting binding
 * allowing 3 requests per 60 s per key) and pushed past its limit.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import worker from "../src/index";
import type { RateLimiterName } from "../src/http/rateLimit";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { signDetached } from "../src/protocol/dm3/asymmetric";
import { generateDm3Keys } from "../src/protocol/dm3/keys";
import { signUserProfile } from "../src/protocol/dm3/profile";
import { ADMIN_TOKEN, adminPut, alice, call, createKey, registerDomain } from "./fixtures";

declare global {
  namespace Cloudflare {
    interface Env {
      /** 3 requests per 60 s per key (vitest.config.ts). */
      TEST_LIMITER: RateLimit;
    }
  }
}

const LIMIT = 3;
let ipCounter = 0;
/** A client IP no other test has used, so limits don't leak between tests. */
const freshIp = () => `198.51.100.${++ipCounter}`;

/** Calls the worker with `limiter` replaced by the tight test limiter. */
async function callLimited(limiter: RateLimiterName, path: string, init: RequestInit & { ip: string }): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("CF-Connecting-IP", init.ip);
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://gateway.test${path}`, { ...init, headers }), { ...env, [limiter]: env.TEST_LIMITER }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

async function expectRateLimited(response: Response): Promise<Record<string, unknown>> {
  expect(response.status).toBe(429);
  expect(response.headers.get("Retry-After")).toBe("60");
  const body = (await response.json()) as Record<string, unknown>;
  expect(body.code).toBe("rate_limited");
  expect(body.message).toMatch(/retry after 60 seconds/);
  return body;
}

const json = (method: string, body: unknown, headers: Record<string, string> = {}) => ({
  method,
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});

beforeAll(async () => {
  await registerDomain("limits.eth");
});

/** A name of limits.eth with a DM3 profile of fresh keys, and a relay session for it (through the normal limits). */
async function sessionOf(name: string): Promise<{ name: string; token: string }> {
  const owner = privateKeyToAccount(generatePrivateKey());
  const keys = generateDm3Keys();
  const profile = { publicEncryptionKey: keys.encryption.publicKey, publicSigningKey: keys.signing.publicKey, deliveryServices: ["ds.demo.eth"] };
  expect((await adminPut(`/v1/names/${name}`, { owner: owner.address, dm3Profile: await signUserProfile(owner, profile) })).status).toBe(200);
  const challenge = (await (await call(`/auth/${name}`)).json()) as string;
  const answer = await call(`/auth/${name}`, {
    method: "POST",
    body: JSON.stringify({ challenge, signature: signDetached(keys.signing.privateKey, challenge) }),
  });
  return { name, token: (await answer.json()) as string };
}

// Rate-limit windows are aligned to the wall clock: start each test well inside one, so its
// requests are all counted in the same window.
beforeEach(async () => {
  const intoWindowMs = Date.now() % 60_000;
  if (intoWindowMs > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoWindowMs + 100));
}, 20_000);

describe("rate limits", () => {
  test("writes with an API key are limited per key, whatever the IP; other keys and the admin are not", async () => {
    const { key } = await createKey("limits.eth");
    const { key: otherKey } = await createKey("limits.eth");
    const put = (name: string, credential: string, ip = freshIp()) =>
      callLimited("WRITES_PER_KEY_LIMITER", `/v1/names/${name}.limits.eth`, {
        ip,
        ...json("PUT", { owner: alice.address }, { Authorization: `Bearer ${credential}` }),
      });
    for (let i = 0; i < LIMIT; i++) expect((await put(`k${i}`, key)).status).toBe(200);
    await expectRateLimited(await put("k-over", key));
    // The refused write changed nothing.
    expect((await callLimited("WRITES_PER_KEY_LIMITER", "/v1/names/k-over.limits.eth", { ip: freshIp() })).status).toBe(404);
    // Reads with the same key are not writes.
    const read = await callLimited("WRITES_PER_KEY_LIMITER", "/v1/names/k0.limits.eth", { ip: freshIp(), headers: { Authorization: `Bearer ${key}` } });
    expect(read.status).toBe(200);
    expect((await put("other", otherKey)).status).toBe(200);
    for (let i = 0; i < LIMIT + 2; i++) expect((await put(`admin${i}`, ADMIN_TOKEN)).status).toBe(200);
  });

  test("owner-signed writes are limited per client IP, counted before the signature is checked", async () => {
    const ip = freshIp();
    const post = (from: string) => callLimited("WRITES_PER_IP_LIMITER", "/v1/names/signed.limits.eth/signed", { ip: from, ...json("POST", { junk: true }) });
    for (let i = 0; i < LIMIT; i++) expect((await post(ip)).status).toBe(400);
    await expectRateLimited(await post(ip));
    expect((await post(freshIp())).status).toBe(400);
  });

  test("dm3's profile route is an owner-signed write: limited per client IP, with dm3's error field", async () => {
    const ip = freshIp();
    const post = () => callLimited("WRITES_PER_IP_LIMITER", "/profile/address", { ip, ...json("POST", { junk: true }) });
    for (let i = 0; i < LIMIT; i++) expect((await post()).status).toBe(400);
    const body = await expectRateLimited(await post());
    expect(body.error).toBe(body.message);
  });

  test("failed credentials are limited per client IP; the right credential still works", async () => {
    const ip = freshIp();
    const put = (token: string) =>
      callLimited("AUTH_PER_IP_LIMITER", "/v1/names/guess.limits.eth", { ip, ...json("PUT", { owner: alice.address }, { Authorization: `Bearer ${token}` }) });
    for (let i = 0; i < LIMIT; i++) expect((await put(`wrong-${i}`)).status).toBe(401);
    await expectRateLimited(await put("wrong-again"));
    expect((await put(ADMIN_TOKEN)).status).toBe(200);
  });

  test("relay submits are limited per client IP, with a JSON-RPC error object", async () => {
    const ip = freshIp();
    const submit = (from: string) =>
      callLimited("SUBMITS_PER_IP_LIMITER", "/rpc", { ip: from, ...json("POST", { jsonrpc: "2.0", method: "dm3_submitMessage", params: ["{}"], id: 1 }) });
    for (let i = 0; i < LIMIT; i++) expect((await submit(ip)).status).toBe(400);
    const body = (await expectRateLimited(await submit(ip))) as unknown as {
      error: { code: number; message: string; data: { code: string } };
      message: string;
      id: number;
    };
    expect(body.error).toEqual({ code: -32602, message: body.message, data: { code: "rate_limited" } });
    expect(body.id).toBe(1);
    expect((await submit(freshIp())).status).toBe(400);
    // Other JSON-RPC methods are not submits.
    const properties = await callLimited("SUBMITS_PER_IP_LIMITER", "/rpc", {
      ip,
      ...json("POST", { jsonrpc: "2.0", method: "dm3_getDeliveryServiceProperties", params: [], id: 2 }),
    });
    expect(properties.status).toBe(200);
  });

  test("an IPv6 client is one client across its /64, however it spells or rotates its addresses", async () => {
    const group = (++ipCounter).toString(16);
    const prefix = `2001:db8:${group}:1`;
    const submit = (from: string) =>
      callLimited("SUBMITS_PER_IP_LIMITER", "/rpc", { ip: from, ...json("POST", { jsonrpc: "2.0", method: "dm3_submitMessage", params: ["{}"], id: 1 }) });
    const rotating = [`${prefix}::1`, `${prefix}:aaaa:bbbb:cccc:dddd`, `2001:0db8:${group.padStart(4, "0")}:0001:0:0:0:2`];
    for (const address of rotating) expect((await submit(address)).status).toBe(400);
    await expectRateLimited(await submit(`${prefix}:ffff::ffff`));
    // The neighbouring /64 is someone else.
    expect((await submit(`2001:db8:${group}:2::1`)).status).toBe(400);
  });

  test("an IPv4 client written as IPv4-mapped IPv6 is the same client", async () => {
    const ip = freshIp();
    const post = (from: string) => callLimited("WRITES_PER_IP_LIMITER", "/v1/names/signed.limits.eth/signed", { ip: from, ...json("POST", { junk: true }) });
    for (const from of [ip, `::ffff:${ip}`, ip]) expect((await post(from)).status).toBe(400);
    await expectRateLimited(await post(`::ffff:${ip}`));
  });

  test("notification codes are limited per client IP and per address (any case), whichever names ask", async () => {
    const sessions = await Promise.all(["n1", "n2", "n3", "n4", "n5", "n6", "n7"].map((label) => sessionOf(`${label}.limits.eth`)));
    const ask = (session: { name: string; token: string }, email: string, ip: string) =>
      callLimited("CONFIRMATIONS_LIMITER", `/delivery/notifications/${session.name}`, {
        ip,
        ...json("PUT", { email }, { Authorization: `Bearer ${session.token}` }),
      });
    const ip = freshIp();
    for (let i = 0; i < LIMIT; i++) expect((await ask(sessions[i]!, `client${i}@example.com`, ip)).status).toBe(202);
    await expectRateLimited(await ask(sessions[3]!, "client3@example.com", ip));
    // One address asked for from many clients: limited too, whatever its spelling.
    expect((await ask(sessions[3]!, "Target@Example.com", freshIp())).status).toBe(202);
    expect((await ask(sessions[4]!, "target@example.com", freshIp())).status).toBe(202);
    expect((await ask(sessions[5]!, "TARGET@example.com", freshIp())).status).toBe(202);
    await expectRateLimited(await ask(sessions[6]!, "target@EXAMPLE.com", freshIp()));
  });

  test("relay challenges and answers are limited per client IP", async () => {
    const ip = freshIp();
    const challenge = () => callLimited("AUTH_PER_IP_LIMITER", "/auth/nobody.limits.eth", { ip });
    const answer = () => callLimited("AUTH_PER_IP_LIMITER", "/auth/nobody.limits.eth", { ip, ...json("POST", { challenge: "x", signature: "0x00" }) });
    expect((await challenge()).status).toBe(200);
    expect((await answer()).status).toBe(400);
    expect((await challenge()).status).toBe(200);
    await expectRateLimited(await answer());
    await expectRateLimited(await challenge());
  });
});
