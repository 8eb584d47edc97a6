/**
 * The relay's network routes inside workerd with a real D1 and the real queue binding: spam rules
 * (a recipient's own, a domain's defaults) and outbound messages (validation, idempotency, delivery,
 * retries, maximum age, webhook reports, visibility). Delivery to other relays over HTTP and rules
 * checked against a real chain run end to end: test/e2e/network.test.ts.
 */
import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { privateKeyToAccount } from "viem/accounts";
import { beforeAll, describe, expect, test } from "vitest";
import worker from "../src/index";
import { signDetached } from "../src/protocol/dm3/asymmetric";
import { buildEnvelope, type Dm3Envelope } from "../src/protocol/dm3/buildEnvelope";
import { generateDm3Keys } from "../src/protocol/dm3/keys";
import { signUserProfile } from "../src/protocol/dm3/profile";
import { settingsOf } from "../src/settings/settingsOf";
import type { OutboundMessageView } from "../src/relay/apiTypes";
import type { RelayWork } from "../src/shared/relayWork";
import { adminPut, alice, call, createKey, expectError, registerDomain } from "./fixtures";

const relay = settingsOf(env).relay();
const DOMAIN = "net.eth";
const OTHER = "other-net.eth";
const DEAD_RPC = "http://127.0.0.1:9";
const sender = {
  name: `sam.${DOMAIN}`,
  keys: generateDm3Keys(),
  wallet: privateKeyToAccount("0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba"),
};
const recipient = { name: `rita.${DOMAIN}`, keys: generateDm3Keys() };
let serviceKey: string;
let otherKey: string;

async function publish(name: string, keys: ReturnType<typeof generateDm3Keys>, owner = alice) {
  const profile = await signUserProfile(owner, {
    publicEncryptionKey: keys.encryption.publicKey,
    publicSigningKey: keys.signing.publicKey,
    deliveryServices: [relay.dsName],
  });
  expect((await adminPut(`/v1/names/${name}`, { owner: owner.address, dm3Profile: profile })).status).toBe(200);
}

beforeAll(async () => {
  await registerDomain(DOMAIN);
  await registerDomain(OTHER);
  serviceKey = (await createKey(DOMAIN)).key;
  otherKey = (await createKey(OTHER)).key;
  await publish(sender.name, sender.keys, sender.wallet);
  await publish(recipient.name, recipient.keys);
});

async function callWith(vars: Partial<Env>, path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://gateway.test${path}`, init), { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const withKey = (key: string, method: string, body?: unknown): RequestInit => ({
  method,
  headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
  ...(body !== undefined && { body: JSON.stringify(body) }),
});

async function login(name: string, signingKey: string): Promise<string> {
  const challenge = (await (await call(`/auth/${name}`)).json()) as string;
  const response = await call(`/auth/${name}`, { method: "POST", body: JSON.stringify({ challenge, signature: signDetached(signingKey, challenge) }) });
  expect(response.status).toBe(200);
  return (await response.json()) as string;
}

function envelopeTo(to: string, text: string, dsEncryptionKey = relay.encryption.publicKey): Dm3Envelope {
  return buildEnvelope({
    message: { message: text, metadata: { to, from: sender.name, timestamp: Date.now(), type: "NEW" } },
    to,
    from: sender.name,
    recipientEncryptionKey: recipient.keys.encryption.publicKey,
    deliveryServiceEncryptionKey: dsEncryptionKey,
    senderSigningKey: sender.keys.signing.privateKey,
  });
}

describe("spam rules", () => {
  test("a recipient reads and sets their own rules with a relay session; every change needs the session", async () => {
    const token = await login(recipient.name, recipient.keys.signing.privateKey);
    const path = `/delivery/spam-rules/${recipient.name}`;
    const authorized = (init: RequestInit = {}) => ({ ...init, headers: { Authorization: `Bearer ${token}` } });
    expect(await (await call(path, authorized())).json()).toEqual({ name: recipient.name, rules: {}, domainDefaults: null, effective: {} });
    await expectError(await call(path, { method: "PUT", body: "{}" }), 401, "unauthorized");
    // Rules need the chain; this relay (no L1_RPC_URL) refuses to store rules it could never check.
    await expectError(await call(path, authorized({ method: "PUT", body: JSON.stringify({ minNonce: 1 }) })), 400, "chain_not_configured");
    const stored = await callWith({ L1_RPC_URL: DEAD_RPC }, path, authorized({ method: "PUT", body: JSON.stringify({ minNonce: 1, minBalance: "0x10" }) }));
    expect(stored.status).toBe(200);
    expect(((await stored.json()) as { effective: unknown }).effective).toEqual({ minNonce: 1, minBalance: "16" });
    // Another name's session does not reach these rules.
    const other = await login(sender.name, sender.keys.signing.privateKey);
    await expectError(await call(path, { method: "PUT", headers: { Authorization: `Bearer ${other}` }, body: "{}" }), 401, "unauthorized");
    // {} removes them.
    expect((await call(path, authorized({ method: "PUT", body: "{}" }))).status).toBe(200);
    expect(((await (await call(path, authorized())).json()) as { rules: unknown }).rules).toEqual({});
  });

  test.each([[{ minNonce: -1 }], [{ minBalance: "lots" }], [{ minTokenBalance: { address: "0xnope", amount: "1" } }], [{ minNonce: 1, extra: true }], [[]]])(
    "refuses the rules %j with 400",
    async (rules) => {
      const token = await login(recipient.name, recipient.keys.signing.privateKey);
      const response = await callWith({ L1_RPC_URL: DEAD_RPC }, `/delivery/spam-rules/${recipient.name}`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify(rules),
      });
      await expectError(response, 400, "invalid_input");
    },
  );

  test("a domain's service key sets defaults for its names; another domain's key cannot; a name's own rules win", async () => {
    const path = `/v1/domains/${DOMAIN}/spam-rules`;
    await expectError(await callWith({ L1_RPC_URL: DEAD_RPC }, path, withKey(otherKey, "PUT", { minNonce: 5 })), 403, "forbidden");
    await expectError(await call(path, { method: "PUT", body: "{}" }), 401, "unauthorized");
    expect((await callWith({ L1_RPC_URL: DEAD_RPC }, path, withKey(serviceKey, "PUT", { minNonce: 5 }))).status).toBe(200);
    expect(await (await call(path, withKey(serviceKey, "GET"))).json()).toEqual({ domain: DOMAIN, rules: { minNonce: 5 } });
    const token = await login(recipient.name, recipient.keys.signing.privateKey);
    const view = await (await call(`/delivery/spam-rules/${recipient.name}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(view).toEqual({ name: recipient.name, rules: {}, domainDefaults: { minNonce: 5 }, effective: { minNonce: 5 } });
  });

  test("a submit that needs the chain for the rules gets 502 when the RPC is down — never a wrong accept or refusal", async () => {
    // rita's domain has minNonce 5 (previous test): the sender must be looked up on chain.
    const envelope = buildEnvelope({
      message: { message: "x", metadata: { to: recipient.name, from: "stranger.eth", timestamp: Date.now(), type: "NEW" } },
      to: recipient.name,
      from: "stranger.eth",
      recipientEncryptionKey: recipient.keys.encryption.publicKey,
      deliveryServiceEncryptionKey: relay.encryption.publicKey,
      senderSigningKey: sender.keys.signing.privateKey,
    });
    const body = JSON.stringify({ jsonrpc: "2.0", id: 3, method: "dm3_submitMessage", params: [JSON.stringify(envelope)] });
    const response = await callWith({ L1_RPC_URL: DEAD_RPC }, "/rpc", { method: "POST", body });
    const json = (await response.clone().json()) as { error: { code: number } };
    await expectError(response, 502, "chain_unavailable");
    expect(json.error.code).toBe(-32603);
    // Without any chain configured, the rules cannot pass: 502 too (the operator must fix it), not a refusal.
    await expectError(await call("/rpc", { method: "POST", body }), 502, "chain_unavailable");
    expect((await callWith({ L1_RPC_URL: DEAD_RPC }, `/v1/domains/${DOMAIN}/spam-rules`, withKey(serviceKey, "PUT", {}))).status).toBe(200);
  });

  test("a name's rules belong to the profile key that set them: new keys (a new owner) do not inherit them", async () => {
    const name = `rekeyed.${DOMAIN}`;
    const oldKeys = generateDm3Keys();
    await publish(name, oldKeys);
    const oldSession = await login(name, oldKeys.signing.privateKey);
    const set = await callWith({ L1_RPC_URL: DEAD_RPC }, `/delivery/spam-rules/${name}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${oldSession}` },
      body: JSON.stringify({ minNonce: 1_000 }),
    });
    expect(set.status).toBe(200);
    const newKeys = generateDm3Keys();
    await publish(name, newKeys);
    const newSession = await login(name, newKeys.signing.privateKey);
    const view = (await (await call(`/delivery/spam-rules/${name}`, { headers: { Authorization: `Bearer ${newSession}` } })).json()) as { rules: unknown };
    expect(view.rules).toEqual({});
    // A submit needs no chain now: the old rules do not apply (with them it would need the RPC, which is down).
    const envelope = buildEnvelope({
      message: { message: "x", metadata: { to: name, from: "stranger.eth", timestamp: Date.now(), type: "NEW" } },
      to: name,
      from: "stranger.eth",
      recipientEncryptionKey: newKeys.encryption.publicKey,
      deliveryServiceEncryptionKey: relay.encryption.publicKey,
      senderSigningKey: sender.keys.signing.privateKey,
    });
    const submitted = await callWith({ L1_RPC_URL: DEAD_RPC }, "/rpc", {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "dm3_submitMessage", params: [JSON.stringify(envelope)] }),
    });
    expect(submitted.status).toBe(200);
  });

  test("rules go with the name: deleting it removes them", async () => {
    const name = `gone.${DOMAIN}`;
    const keys = generateDm3Keys();
    await publish(name, keys);
    const token = await login(name, keys.signing.privateKey);
    const set = await callWith({ L1_RPC_URL: DEAD_RPC }, `/delivery/spam-rules/${name}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ minNonce: 3 }),
    });
    expect(set.status).toBe(200);
    expect((await call(`/v1/names/${name}`, withKey(serviceKey, "DELETE"))).status).toBe(200);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM spam_rules WHERE subject = ?").bind(name).first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});

describe("outbound", () => {
  const outbound = (key: string, body: unknown) => call(`/v1/domains/${DOMAIN}/outbound`, withKey(key, "POST", body));

  test.each([
    ["a sender of another domain", { from: `sam.${OTHER}`, to: recipient.name }, 403, "forbidden"],
    ["a sender without a profile here", { from: `nobody.${DOMAIN}`, to: recipient.name }, 404, "unknown_sender"],
    ["a recipient that is not a name", { from: sender.name, to: "bad..name" }, 400, "invalid_outbound"],
    ["no envelopes", { from: sender.name, to: recipient.name, envelopes: [] }, 400, "invalid_input"],
    [
      "nine envelopes",
      {
        from: sender.name,
        to: recipient.name,
        envelopes: Array.from({ length: 9 }, (_, i) => ({ deliveryService: `ds${i}.eth`, envelope: envelopeTo(recipient.name, "x") })),
      },
      400,
      "invalid_input",
    ],
    [
      "two envelopes for one delivery service",
      { from: sender.name, to: recipient.name, envelopes: [1, 2].map(() => ({ deliveryService: "DS.demo.eth", envelope: envelopeTo(recipient.name, "x") })) },
      400,
      "invalid_outbound",
    ],
    [
      "an envelope of the wrong shape",
      { from: sender.name, to: recipient.name, envelopes: [{ deliveryService: relay.dsName, envelope: { message: 1 } }] },
      400,
      "invalid_input",
    ],
    [
      "an oversized envelope",
      {
        from: sender.name,
        to: recipient.name,
        envelopes: [{ deliveryService: relay.dsName, envelope: { ...envelopeTo(recipient.name, "x"), message: "m".repeat(100_001) } }],
      },
      413,
      "message_too_large",
    ],
    ["a maximum age of 0", { from: sender.name, to: recipient.name, maxAgeSeconds: 0 }, 400, "invalid_input"],
    ["an unknown field", { from: sender.name, to: recipient.name, priority: "high" }, 400, "invalid_input"],
  ])("refuses %s", async (_, partial, status, code) => {
    const body = { envelopes: [{ deliveryService: relay.dsName, envelope: envelopeTo(recipient.name, "x") }], ...partial };
    await expectError(await outbound(serviceKey, body), status, code);
  });

  test("only the domain's own key (or the admin) sends and sees its queue", async () => {
    const body = { from: sender.name, to: recipient.name, envelopes: [{ deliveryService: relay.dsName, envelope: envelopeTo(recipient.name, "x") }] };
    await expectError(await outbound(otherKey, body), 403, "forbidden");
    await expectError(await call(`/v1/domains/${DOMAIN}/outbound`, withKey(otherKey, "GET")), 403, "forbidden");
    await expectError(await call(`/v1/domains/${DOMAIN}/outbound`), 401, "unauthorized");
    await expectError(await call(`/v1/domains/unknown-net.eth/outbound`, withKey(env.ADMIN_TOKEN, "GET")), 404, "unknown_domain");
  });

  test("a message to a recipient of this relay is delivered in-process at once; the same request again is the same message", async () => {
    const body = { from: sender.name, to: recipient.name, envelopes: [{ deliveryService: relay.dsName, envelope: envelopeTo(recipient.name, "in-process") }] };
    const ctx = createExecutionContext();
    const first = await worker.fetch(new Request(`http://gateway.test/v1/domains/${DOMAIN}/outbound`, withKey(serviceKey, "POST", body)), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(first.status).toBe(202);
    const { item, created } = (await first.json()) as { item: OutboundMessageView; created: boolean };
    expect(created).toBe(true);
    expect(item).toMatchObject({ sender: sender.name, recipient: recipient.name, deliveryServices: [relay.dsName], status: "pending" });

    const view = (await (await call(`/v1/domains/${DOMAIN}/outbound/${item.id}`, withKey(serviceKey, "GET"))).json()) as OutboundMessageView;
    expect(view).toMatchObject({ status: "delivered", deliveredBy: relay.dsName, attempts: 1, lastError: null });
    const token = await login(recipient.name, recipient.keys.signing.privateKey);
    const inbox = (await (await call(`/delivery/messages/incoming/${recipient.name}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as unknown[];
    expect(inbox).toHaveLength(1);

    const again = await outbound(serviceKey, body);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { created: boolean; item: OutboundMessageView }).item).toMatchObject({ id: item.id, status: "delivered" });
    expect(
      (await (await call(`/delivery/messages/incoming/${recipient.name}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as unknown[],
    ).toHaveLength(1);
  });

  test("a refusal for good (the recipient's service says 4xx) fails at once; the webhook gets a signed `failed` report", async () => {
    expect((await adminPut(`/v1/domains/${DOMAIN}/webhook`, { url: "http://127.0.0.1:9/hook" })).status).toBe(200);
    // Encrypted for another delivery service: ours cannot open it (400 dm3_crypto).
    const envelope = envelopeTo(recipient.name, "unreadable", generateDm3Keys().encryption.publicKey);
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request(
        `http://gateway.test/v1/domains/${DOMAIN}/outbound`,
        withKey(serviceKey, "POST", { from: sender.name, to: recipient.name, envelopes: [{ deliveryService: relay.dsName, envelope }] }),
      ),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const { item } = (await response.json()) as { item: OutboundMessageView };
    const view = (await (await call(`/v1/domains/${DOMAIN}/outbound/${item.id}`, withKey(serviceKey, "GET"))).json()) as OutboundMessageView;
    expect(view.status).toBe("failed");
    expect(view.lastError).toContain(relay.dsName);
    const report = await env.DB.prepare("SELECT body FROM webhook_deliveries WHERE domain = ? ORDER BY created_at_ms DESC LIMIT 1")
      .bind(DOMAIN)
      .first<{ body: string }>();
    expect(JSON.parse(report?.body ?? "{}")).toMatchObject({ type: "failed", recipient: sender.name, outbound: { id: item.id, status: "failed" } });
    expect((await call(`/v1/domains/${DOMAIN}/webhook`, { method: "DELETE", headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` } })).status).toBe(200);
  });

  test("a delivery service that cannot be reached is retried with backoff from the queue, then reported failed at the maximum age", async () => {
    const body = {
      from: sender.name,
      to: "someone.elsewhere.eth",
      envelopes: [{ deliveryService: "ds.elsewhere.eth", envelope: envelopeTo("someone.elsewhere.eth", "far away") }],
      maxAgeSeconds: 30,
    };
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request(`http://gateway.test/v1/domains/${DOMAIN}/outbound`, withKey(serviceKey, "POST", body)),
      { ...env, L1_RPC_URL: DEAD_RPC },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const { item } = (await response.json()) as { item: OutboundMessageView };
    const pending = (await (await call(`/v1/domains/${DOMAIN}/outbound/${item.id}`, withKey(serviceKey, "GET"))).json()) as OutboundMessageView;
    expect(pending).toMatchObject({ status: "pending", attempts: 1 });
    expect(pending.lastError).toMatch(/ds\.elsewhere\.eth: Could not read ENS/);
    expect(pending.nextAttemptAtMs - Date.now()).toBeGreaterThan(3_000);

    // The queue's wake-up before the retry is due does nothing (and is acknowledged).
    const early = createMessageBatch<RelayWork>("dm3-relay-work", [
      { id: "w1", timestamp: new Date(), attempts: 1, body: { kind: "outbound", domain: DOMAIN, id: item.id } },
    ]);
    const earlyCtx = createExecutionContext();
    await worker.queue(early, env, earlyCtx);
    expect((await getQueueResult(early, earlyCtx)).explicitAcks).toEqual(["w1"]);
    expect(((await (await call(`/v1/domains/${DOMAIN}/outbound/${item.id}`, withKey(serviceKey, "GET"))).json()) as OutboundMessageView).attempts).toBe(1);

    // Past its maximum age, the cron's sweep makes the last attempt and reports it failed.
    await worker.scheduled(createScheduledController({ scheduledTime: pending.expiresAtMs + 1 }), { ...env, L1_RPC_URL: DEAD_RPC });
    const failed = (await (await call(`/v1/domains/${DOMAIN}/outbound/${item.id}`, withKey(serviceKey, "GET"))).json()) as OutboundMessageView;
    expect(failed).toMatchObject({ status: "failed", attempts: 2 });
    expect(failed.lastError).toMatch(/^not delivered within its maximum age/);

    const page = (await (await call(`/v1/domains/${DOMAIN}/outbound?status=failed&limit=1`, withKey(serviceKey, "GET"))).json()) as {
      items: OutboundMessageView[];
      nextCursor: string;
    };
    expect(page.items).toHaveLength(1);
    const next = (await (await call(`/v1/domains/${DOMAIN}/outbound?status=failed&limit=1&cursor=${page.nextCursor}`, withKey(serviceKey, "GET"))).json()) as {
      items: OutboundMessageView[];
    };
    expect(next.items.map((row) => row.id)).not.toContain(page.items[0]?.id);
    await expectError(await call(`/v1/domains/${DOMAIN}/outbound?cursor=nope`, withKey(serviceKey, "GET")), 400, "invalid_input");
    await expectError(await call(`/v1/domains/${DOMAIN}/outbound/0x00`, withKey(serviceKey, "GET")), 404, "outbound_not_found");
  });

  test("deleting the sender's name drops its undelivered messages", async () => {
    const name = `leaver.${DOMAIN}`;
    const keys = generateDm3Keys();
    await publish(name, keys);
    const envelope = buildEnvelope({
      message: { message: "bye", metadata: { to: "far.elsewhere.eth", from: name, timestamp: Date.now(), type: "NEW" } },
      to: "far.elsewhere.eth",
      from: name,
      recipientEncryptionKey: recipient.keys.encryption.publicKey,
      deliveryServiceEncryptionKey: relay.encryption.publicKey,
      senderSigningKey: keys.signing.privateKey,
    });
    const ctx = createExecutionContext();
    const body = { from: name, to: "far.elsewhere.eth", envelopes: [{ deliveryService: "ds.elsewhere.eth", envelope }] };
    await worker.fetch(new Request(`http://gateway.test/v1/domains/${DOMAIN}/outbound`, withKey(serviceKey, "POST", body)), env, ctx);
    await waitOnExecutionContext(ctx);
    const count = () => env.DB.prepare("SELECT count(*) AS n FROM outbound_messages WHERE sender = ? AND status = 'pending'").bind(name).first<{ n: number }>();
    expect((await count())?.n).toBe(1);
    expect((await call(`/v1/names/${name}`, withKey(serviceKey, "DELETE"))).status).toBe(200);
    expect((await count())?.n).toBe(0);
  });
});
