import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { sha256, stringToBytes } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { beforeAll, describe, expect, test } from "vitest";
import worker from "../src/index";
import { signDetached } from "../src/protocol/dm3/asymmetric";
import { generateDm3Keys } from "../src/protocol/dm3/keys";
import { signUserProfile } from "../src/protocol/dm3/profile";
import { unsubscribeToken } from "../src/relay/notifications";
import { settingsOf } from "../src/settings/settingsOf";
import { ADMIN_TOKEN, adminPut, call, expectError, RESOLVER, envelopeFromElsewhere } from "./fixtures";

// New-message notifications by email. What the mails say is checked end to end (test/e2e/notifications.test.ts
// reads them from wrangler dev's local Email Service); here: the rules around them, against D1.

type Dm3Keys = ReturnType<typeof generateDm3Keys>;
const DOMAIN = "notify.eth";
const relay = settingsOf(env).relay();
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

async function createUser(label: string): Promise<{ name: string; keys: Dm3Keys; owner: ReturnType<typeof privateKeyToAccount> }> {
  const owner = privateKeyToAccount(generatePrivateKey());
  const keys = generateDm3Keys();
  const name = `${label}.${DOMAIN}`;
  const profile = { publicEncryptionKey: keys.encryption.publicKey, publicSigningKey: keys.signing.publicKey, deliveryServices: ["ds.demo.eth"] };
  expect((await adminPut(`/v1/names/${name}`, { owner: owner.address, dm3Profile: await signUserProfile(owner, profile) })).status).toBe(200);
  return { name, keys, owner };
}

async function login(name: string, keys: Dm3Keys): Promise<Record<string, string>> {
  const challenge = (await (await call(`/auth/${name}`)).json()) as string;
  const response = await call(`/auth/${name}`, {
    method: "POST",
    body: JSON.stringify({ challenge, signature: signDetached(keys.signing.privateKey, challenge) }),
  });
  expect(response.status).toBe(200);
  return { Authorization: `Bearer ${(await response.json()) as string}`, "Content-Type": "application/json" };
}

const setEmail = (name: string, session: Record<string, string>, email: string) =>
  call(`/delivery/notifications/${name}`, {
    method: "PUT",
    headers: { ...session, "CF-Connecting-IP": `203.0.113.${Math.floor(Math.random() * 250)}` },
    body: JSON.stringify({ email }),
  });
const confirm = (name: string, session: Record<string, string>, code: string) =>
  call(`/delivery/notifications/${name}/confirm`, { method: "POST", headers: session, body: JSON.stringify({ code }) });

/** Puts a code we know in place of the mailed one (the mail itself is read in the end-to-end test). */
async function knownCode(name: string, code: string, expiresAtMs = Date.now() + 60_000) {
  const hash = sha256(stringToBytes(`notification code|${name}|${code}`));
  await env.DB.prepare("UPDATE notification_subscriptions SET code_hash = ?, code_expires_at_ms = ? WHERE name = ?").bind(hash, expiresAtMs, name).run();
}

const subscription = (name: string) =>
  env.DB.prepare("SELECT email, confirmed_at_ms, last_notified_at_ms, code_attempts FROM notification_subscriptions WHERE name = ?")
    .bind(name)
    .first<{ email: string; confirmed_at_ms: number | null; last_notified_at_ms: number | null; code_attempts: number }>();

async function submitTo(name: string, keys: Dm3Keys, from = "sender.elsewhere.eth") {
  const envelope = envelopeFromElsewhere(name, keys.encryption.publicKey, "secret content", from);
  const ctx = createExecutionContext();
  const body = JSON.stringify({ jsonrpc: "2.0", method: "dm3_submitMessage", params: [JSON.stringify(envelope)] });
  const response = await worker.fetch(new Request("http://gateway.test/rpc", { method: "POST", body }), env, ctx);
  // The notification goes out after the answer (waitUntil): wait for it.
  await waitOnExecutionContext(ctx);
  expect(response.status).toBe(200);
}

async function confirmedUser(label: string, email: string) {
  const user = await createUser(label);
  const session = await login(user.name, user.keys);
  expect((await setEmail(user.name, session, email)).status).toBe(202);
  await knownCode(user.name, "424242");
  expect((await confirm(user.name, session, "424242")).status).toBe(200);
  return { ...user, session };
}

beforeAll(async () => {
  expect((await adminPut(`/v1/domains/${DOMAIN}`, { resolverAddress: RESOLVER, chainId: 31337 })).status).toBe(200);
});

describe("email notifications", () => {
  test("only the name's session sets an address; it stays unconfirmed until the mailed code comes back, once", async () => {
    const { name, keys } = await createUser("carol");
    await expectError(
      await call(`/delivery/notifications/${name}`, { method: "PUT", body: JSON.stringify({ email: "carol@example.com" }) }),
      401,
      "unauthorized",
    );
    const session = await login(name, keys);
    await expectError(await setEmail(name, session, "not an address"), 400, "invalid_input");
    const asked = await setEmail(name, session, "carol@example.com");
    expect(asked.status).toBe(202);
    expect(await asked.json()).toMatchObject({ name, email: "carol@example.com", confirmed: false, intervalSeconds: 900 });
    // One code per name per minute.
    await expectError(await setEmail(name, session, "carol@example.com"), 429, "confirmation_limited");
    await knownCode(name, "123456");
    await expectError(await confirm(name, session, "654321"), 400, "invalid_code");
    await expectError(await confirm(name, session, "12345"), 400, "invalid_input");
    expect((await subscription(name))?.confirmed_at_ms).toBeNull();
    const confirmed = await confirm(name, session, "123456");
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({ email: "carol@example.com", confirmed: true, codeExpiresAtMs: null });
    // The code is spent.
    await expectError(await confirm(name, session, "123456"), 400, "invalid_code");
    expect(await (await call(`/delivery/notifications/${name}`, { headers: session })).json()).toMatchObject({ email: "carol@example.com", confirmed: true });
  });

  test("an address that never asked gets at most 5 codes a day, however many names ask; the ledger keeps only hashes and forgets after a day", async () => {
    const ask = async (label: string, email: string) => {
      const { name, keys } = await createUser(label);
      const session = await login(name, keys);
      return { name, session, response: await setEmail(name, session, email) };
    };
    const first = await ask("victim0", "victim@example.com");
    expect(first.response.status).toBe(202);
    for (let index = 1; index < 5; index++) {
      expect((await ask(`victim${index}`, index % 2 ? "Victim@Example.com" : "victim@example.com")).response.status).toBe(202);
    }
    const sixth = await ask("victim5", "victim@example.com");
    expect(await expectError(sixth.response, 429, "confirmation_limited")).toMatch(/5 codes in the last 24 hours/);
    expect(await subscription(sixth.name)).toBeNull();
    // Not the per-name minute: a name whose minute has passed is refused for the address too.
    await env.DB.prepare("UPDATE notification_subscriptions SET code_sent_at_ms = 0 WHERE name = ?").bind(first.name).run();
    expect(await expectError(await setEmail(first.name, first.session, "victim@example.com"), 429, "confirmation_limited")).toMatch(/24 hours/);
    const ledger = await env.DB.prepare("SELECT email_hash FROM confirmation_mails").all<{ email_hash: string }>();
    expect(ledger.results.length).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(ledger.results)).not.toMatch(/victim|example/);
    // A day later (the cron clears the ledger) the address can be asked for again.
    await env.DB.prepare("UPDATE confirmation_mails SET sent_at_ms = sent_at_ms - ?")
      .bind(25 * 60 * 60 * 1000)
      .run();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now() }), env);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM confirmation_mails").first<number>("n")) ?? 0).toBe(0);
    expect((await setEmail(sixth.name, sixth.session, "victim@example.com")).status).toBe(202);
  });

  test("a code stops working after 10 minutes and after 5 wrong tries", async () => {
    const { name, keys } = await createUser("dave");
    const session = await login(name, keys);
    expect((await setEmail(name, session, "dave@example.com")).status).toBe(202);
    await knownCode(name, "111111", Date.now() - 1);
    await expectError(await confirm(name, session, "111111"), 400, "invalid_code");
    await knownCode(name, "222222");
    await env.DB.prepare("UPDATE notification_subscriptions SET code_attempts = 0 WHERE name = ?").bind(name).run();
    for (let attempt = 0; attempt < 5; attempt++) await expectError(await confirm(name, session, "999999"), 400, "invalid_code");
    await expectError(await confirm(name, session, "222222"), 429, "confirmation_limited");
    expect((await subscription(name))?.confirmed_at_ms).toBeNull();
  });

  test("a new message notifies a confirmed address at most once per interval; an unconfirmed one never", async () => {
    const pending = await createUser("erin");
    const pendingSession = await login(pending.name, pending.keys);
    expect((await setEmail(pending.name, pendingSession, "erin@example.com")).status).toBe(202);
    await submitTo(pending.name, pending.keys);
    expect((await subscription(pending.name))?.last_notified_at_ms).toBeNull();

    const { name, keys } = await confirmedUser("frank", "frank@example.com");
    await submitTo(name, keys);
    const first = (await subscription(name))?.last_notified_at_ms;
    expect(first).toBeGreaterThan(0);
    await submitTo(name, keys);
    expect((await subscription(name))?.last_notified_at_ms).toBe(first);
    // Once the interval has passed, the next message notifies again.
    await env.DB.prepare("UPDATE notification_subscriptions SET last_notified_at_ms = ? WHERE name = ?")
      .bind(Date.now() - 901_000, name)
      .run();
    await submitTo(name, keys);
    expect((await subscription(name))?.last_notified_at_ms).toBeGreaterThan(first as number);
  });

  test("the unsubscribe link works with its token only; opened in a browser it is a one-button page", async () => {
    const { name } = await confirmedUser("grace", "grace@example.com");
    const token = await unsubscribeToken(relay.jwtSecret, name, "grace@example.com");
    const page = await call(`/notifications/unsubscribe?name=${name}&token=${token}`);
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain(`<form method="post" action="/notifications/unsubscribe?name=${encodeURIComponent(name)}&amp;token=${token}">`);
    const wrongToken = await unsubscribeToken(relay.jwtSecret, name, "someone@example.com");
    await expectError(await call(`/notifications/unsubscribe?name=${name}&token=${wrongToken}`, { method: "POST" }), 400, "invalid_input");
    expect(await subscription(name)).not.toBeNull();
    const done = await call(`/notifications/unsubscribe?name=${name}&token=${token}`, { method: "POST", body: "List-Unsubscribe=One-Click" });
    expect(done.status).toBe(200);
    expect(await subscription(name)).toBeNull();
    await expectError(await call(`/notifications/unsubscribe?name=${name}&token=${token}`, { method: "POST" }), 400, "invalid_input");
  });

  test("the address belongs to the owner of the moment: new keys do not see it, a new owner or a delete removes it", async () => {
    const { name, owner, session } = await confirmedUser("heidi", "heidi@example.com");
    const newKeys = generateDm3Keys();
    const profile = { publicEncryptionKey: newKeys.encryption.publicKey, publicSigningKey: newKeys.signing.publicKey, deliveryServices: ["ds.demo.eth"] };
    expect((await adminPut(`/v1/names/${name}`, { owner: owner.address, dm3Profile: await signUserProfile(owner, profile) })).status).toBe(200);
    await expectError(await call(`/delivery/notifications/${name}`, { headers: session }), 401, "unauthorized");
    const fresh = await login(name, newKeys);
    expect(await (await call(`/delivery/notifications/${name}`, { headers: fresh })).json()).toMatchObject({ email: null, confirmed: false });
    await submitTo(name, newKeys);
    expect((await subscription(name))?.last_notified_at_ms).toBeNull();

    const second = await confirmedUser("ivan", "ivan@example.com");
    const newOwner = privateKeyToAccount(generatePrivateKey());
    expect((await adminPut(`/v1/names/${second.name}`, { owner: newOwner.address })).status).toBe(200);
    expect(await subscription(second.name)).toBeNull();
    const third = await confirmedUser("judy", "judy@example.com");
    expect((await call(`/v1/names/${third.name}`, { method: "DELETE", headers: admin })).status).toBe(200);
    expect(await subscription(third.name)).toBeNull();
  });

  test("the owner removes the address; a relay without NOTIFY_FROM says it sends none", async () => {
    const { name, session } = await confirmedUser("kim", "kim@example.com");
    expect(await (await call(`/delivery/notifications/${name}`, { method: "DELETE", headers: session })).json()).toEqual({ name, removed: true });
    expect(await subscription(name)).toBeNull();
    const ctx = createExecutionContext();
    const off = await worker.fetch(new Request(`http://gateway.test/delivery/notifications/${name}`, { headers: session }), { ...env, NOTIFY_FROM: "" }, ctx);
    await waitOnExecutionContext(ctx);
    await expectError(off, 404, "notifications_off");
  });
});
