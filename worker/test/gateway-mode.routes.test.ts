import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../src/index";
import { beforeAll, describe, expect, test } from "vitest";
import { createDatabase } from "../src/db/client";
import { generateDm3Keys } from "../src/protocol/dm3/keys";
import { signUserProfile } from "../src/protocol/dm3/profile";
import { settingsOf } from "../src/settings/settingsOf";
import { deliverDueWebhooks, type WebhookTransport, webhookBackoffMs } from "../src/relay/webhooks";
import { signWebhook, WEBHOOK_DELIVERY_HEADER, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from "../src/protocol/webhookSignature";
import { ADMIN_TOKEN, adminPut, alice, call, expectError, registerDomain, envelopeFromElsewhere } from "./fixtures";

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const _relay = settingsOf(env).relay();
const carolKeys = generateDm3Keys();
const RECIPIENT = "carol.gw.eth";
let secret: string;

/** Deliveries through `fetcher`, with loopback allowed as on the local stack. */
const transport = (fetcher: typeof fetch): WebhookTransport => ({ fetch: fetcher, targets: { allowLoopback: true } });

type QueueItem = { id: string; recipient: string; attempts: number; nextAttemptAtMs: number; lastError: string | null };
const queue = async () => ((await (await call("/v1/domains/gw.eth/webhook/queue", { headers: admin })).json()) as { items: QueueItem[] }).items;

function envelopeFor(text: string) {
  return envelopeFromElsewhere(RECIPIENT, carolKeys.encryption.publicKey, text, "dave.other.eth");
}

beforeAll(async () => {
  await registerDomain("gw.eth");
  const profile = await signUserProfile(alice, {
    publicEncryptionKey: carolKeys.encryption.publicKey,
    publicSigningKey: carolKeys.signing.publicKey,
    deliveryServices: ["ds.demo.eth"],
  });
  expect((await adminPut(`/v1/names/${RECIPIENT}`, { owner: alice.address, dm3Profile: profile })).status).toBe(200);
  const response = await call("/v1/domains/gw.eth/webhook", { method: "PUT", headers: admin, body: JSON.stringify({ url: "http://127.0.0.1:9/dm3-inbox" }) });
  expect(response.status).toBe(200);
  secret = ((await response.json()) as { secret: string }).secret;
});

describe("gateway mode", () => {
  test("shows the webhook secret once, never in domain listings", async () => {
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await (await call("/v1/domains")).json())).not.toContain(secret);
  });

  test("queues envelopes for the webhook instead of caching them, and keeps them while it fails", async () => {
    const envelope = envelopeFor("to the service");
    const submitted = await call("/rpc", {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", method: "dm3_submitMessage", params: [JSON.stringify(envelope)] }),
    });
    expect(submitted.status).toBe(200);
    const pending = await queue();
    expect(pending.map((item) => item.recipient)).toEqual([RECIPIENT]);
    const cached = await env.DB.prepare("SELECT COUNT(*) AS n FROM messages WHERE recipient = ?").bind(RECIPIENT).first<number>("n");
    expect(cached).toBe(0);
  });

  test("retries with backoff on failure, then delivers an HMAC-signed body and forgets it", async () => {
    const db = createDatabase(env.DB);
    const later = Date.now() + 24 * 3600 * 1000;
    const seen: Request[] = [];
    let answer = 500;
    const fakeFetch = transport((async (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(new Request(input, init));
      return new Response(answer === 204 ? null : "", { status: answer });
    }) as typeof fetch);

    const failed = await deliverDueWebhooks(db, fakeFetch, later);
    expect(failed).toEqual({ delivered: 0, failed: 1, deferred: 0 });
    const [afterFailure] = await queue();
    expect(afterFailure?.lastError).toBe("HTTP 500");
    expect(afterFailure?.nextAttemptAtMs).toBe(later + webhookBackoffMs(afterFailure!.attempts));

    answer = 204;
    expect(await deliverDueWebhooks(db, fakeFetch, later)).toEqual({ delivered: 0, failed: 0, deferred: 0 }); // not due yet
    expect(await deliverDueWebhooks(db, fakeFetch, later + 2 * 3600 * 1000)).toEqual({ delivered: 1, failed: 0, deferred: 0 });
    expect(await queue()).toEqual([]);

    const last = seen.at(-1)!;
    expect(last.url).toBe("http://127.0.0.1:9/dm3-inbox");
    const body = await last.text();
    // The attempt signs its own time (the retry's, not the first attempt's).
    expect(last.headers.get(WEBHOOK_TIMESTAMP_HEADER)).toBe(String(Math.floor((later + 2 * 3600 * 1000) / 1000)));
    expect(last.headers.get(WEBHOOK_SIGNATURE_HEADER)).toBe(await signWebhook(secret, body, Math.floor((later + 2 * 3600 * 1000) / 1000)));
    expect(last.headers.get(WEBHOOK_DELIVERY_HEADER)).toBe((JSON.parse(body) as { id: string }).id);
    const delivered = JSON.parse(body) as { recipient: string; envelope: { metadata: { deliveryInformation: unknown }; postmark: string } };
    expect(delivered.recipient).toBe(RECIPIENT);
    expect(delivered.envelope.metadata.deliveryInformation).toEqual({ to: RECIPIENT, from: "dave.other.eth" });
    expect(delivered.envelope.postmark.length).toBeGreaterThan(0);
  });

  test("a failing webhook is tried once per run; its other deliveries wait untried and are delivered later, none lost", async () => {
    const db = createDatabase(env.DB);
    for (const text of ["one", "two", "three"]) {
      const submitted = await call("/rpc", {
        method: "POST",
        body: JSON.stringify({ jsonrpc: "2.0", method: "dm3_submitMessage", params: [JSON.stringify(envelopeFor(text))] }),
      });
      expect(submitted.status).toBe(200);
    }
    const later = Date.now() + 48 * 3600 * 1000;
    let calls = 0;
    let answer = 503;
    const fakeFetch = transport((async () => {
      calls++;
      return new Response(null, { status: answer });
    }) as typeof fetch);
    expect(await deliverDueWebhooks(db, fakeFetch, later)).toEqual({ delivered: 0, failed: 1, deferred: 2 });
    expect(calls).toBe(1);
    const waiting = await queue();
    expect(waiting).toHaveLength(3);
    expect(waiting.filter((item) => item.lastError?.startsWith("not tried: HTTP 503"))).toHaveLength(2);
    answer = 200;
    expect(await deliverDueWebhooks(db, fakeFetch, later + 2 * 3600 * 1000)).toEqual({ delivered: 3, failed: 0, deferred: 0 });
    expect(await queue()).toEqual([]);
  });

  test("backs off exponentially, capped at an hour", () => {
    expect([1, 2, 3, 10, 50].map(webhookBackoffMs)).toEqual([30_000, 60_000, 120_000, 3_600_000, 3_600_000]);
  });

  test("asks fetch not to follow redirects and records a 3xx as a failed attempt", async () => {
    const db = createDatabase(env.DB);
    const submitted = await call("/rpc", {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", method: "dm3_submitMessage", params: [JSON.stringify(envelopeFor("moved"))] }),
    });
    expect(submitted.status).toBe(200);
    const modes: (string | undefined)[] = [];
    const redirecting = transport((async (_input: RequestInfo | URL, init?: RequestInit) => {
      modes.push(init?.redirect);
      return new Response(null, { status: 302, headers: { Location: "http://169.254.169.254/latest" } });
    }) as typeof fetch);
    const later = Date.now() + 96 * 3600 * 1000;
    expect(await deliverDueWebhooks(db, redirecting, later)).toEqual({ delivered: 0, failed: 1, deferred: 0 });
    expect(modes).toEqual(["manual"]);
    const [item] = await queue();
    expect(item?.lastError).toBe("HTTP 302 redirect to http://169.254.169.254/latest (redirects are not followed)");
    // Nothing lost: it goes once the webhook answers.
    const accepting = transport((async () => new Response(null, { status: 204 })) as typeof fetch);
    expect(await deliverDueWebhooks(db, accepting, later + 2 * 3600 * 1000)).toEqual({ delivered: 1, failed: 0, deferred: 0 });
  });

  test("a stored webhook that points where webhooks may not is never called", async () => {
    const db = createDatabase(env.DB);
    const submitted = await call("/rpc", {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", method: "dm3_submitMessage", params: [JSON.stringify(envelopeFor("policy"))] }),
    });
    expect(submitted.status).toBe(200);
    let calls = 0;
    const production: WebhookTransport = {
      fetch: (async () => {
        calls++;
        return new Response(null, { status: 204 });
      }) as typeof fetch,
      targets: { allowLoopback: false },
    };
    const later = Date.now() + 120 * 3600 * 1000;
    expect(await deliverDueWebhooks(db, production, later)).toEqual({ delivered: 0, failed: 1, deferred: 0 });
    expect(calls).toBe(0);
    expect((await queue())[0]?.lastError).toBe("not sent: the webhook points at a loopback address");
    expect(await deliverDueWebhooks(db, transport(production.fetch), later + 2 * 3600 * 1000)).toEqual({ delivered: 1, failed: 0, deferred: 0 });
  });

  test.each([
    "http://example.org/hook",
    "https://169.254.169.254/latest",
    "https://2852039166/",
    "https://[::ffff:10.0.0.1]/",
    "https://0x0a000001/",
    "https://metadata.google.internal/",
    "https://[fe80::1]/",
  ])("refuses a webhook at %s", async (url) => {
    const message = await expectError(
      await call("/v1/domains/gw.eth/webhook", { method: "PUT", headers: admin, body: JSON.stringify({ url }) }),
      400,
      "invalid_input",
    );
    expect(message).toContain("a webhook must not point at");
  });

  test("refuses loopback webhooks where loopback is not allowed (outside the local stack)", async () => {
    const ctx = createExecutionContext();
    const request = new Request("http://gateway.test/v1/domains/gw.eth/webhook", {
      method: "PUT",
      headers: admin,
      body: JSON.stringify({ url: "http://127.0.0.1:9/dm3-inbox" }),
    });
    const response = await worker.fetch(request, { ...env, WEBHOOK_ALLOW_LOOPBACK: "false" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(await expectError(response, 400, "invalid_input")).toContain("loopback");
  });

  test("refuses non-admin callers", async () => {
    await expectError(await call("/v1/domains/gw.eth/webhook/queue"), 401, "unauthorized");
  });

  test("caches again once the webhook is removed", async () => {
    expect((await call("/v1/domains/gw.eth/webhook", { method: "DELETE", headers: admin })).status).toBe(200);
    const envelope = envelopeFor("cached now");
    await call("/rpc", { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", method: "dm3_submitMessage", params: [JSON.stringify(envelope)] }) });
    const cached = await env.DB.prepare("SELECT COUNT(*) AS n FROM messages WHERE recipient = ?").bind(RECIPIENT).first<number>("n");
    expect(cached).toBe(1);
  });
});
