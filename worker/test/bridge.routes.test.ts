import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { sha256, stringToBytes } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { beforeAll, describe, expect, test } from "vitest";
import worker from "../src/index";
import { createServices } from "../src/app/services";
import type { EmailBridgeServices } from "../src/bridge/email/EmailBridgeServices";
import { deliverBridgeMail, receiveForVirtualUser } from "../src/bridge/email/toEmail";
import { manageToken } from "../src/bridge/email/virtualUsers";
import { openAddress, openKeys } from "../src/bridge/email/custody";
import { countUsersToReseal } from "../src/db/bridgeUsers";
import { emailBridgeName } from "../src/protocol/bridge/emailBridgeName";
import { signDetached } from "../src/protocol/dm3/asymmetric";
import { buildEnvelope } from "../src/protocol/dm3/buildEnvelope";
import { stringify } from "../src/protocol/dm3/stringify";
import { generateDm3Keys } from "../src/protocol/dm3/keys";
import { createDm3Message } from "../src/protocol/dm3/message";
import { decodeProfileRecord, signUserProfile } from "../src/protocol/dm3/profile";
import { settingsOf } from "../src/settings/settingsOf";
import { adminPut, call, createKey, expectError, registerDomain } from "./fixtures";

// The email bridge's rules against D1 in workerd. What its mails say, and both directions through a
// real chain and a second relay, are checked end to end (test/e2e/bridge.test.ts).

const BRIDGE_DOMAIN = "mail.demo.eth";
const SENDERS = "senders.eth";
const relay = settingsOf(env).relay();
type Dm3Keys = ReturnType<typeof generateDm3Keys>;

const bridgeServices = (overrides: Partial<EmailBridgeServices> = {}): EmailBridgeServices => ({ ...createServices(env).emailBridgeServices()!, ...overrides });
const clientIp = () => `198.51.100.${Math.floor(Math.random() * 250)}`;
const json = (body: unknown) => ({
  method: "POST",
  headers: { "Content-Type": "application/json", "CF-Connecting-IP": clientIp() },
  body: JSON.stringify(body),
});
const requestOptIn = (email: string, alias?: string) => call("/bridge/email/confirmations", json({ email, ...(alias && { alias }) }));
const confirm = (name: string, code: string) => call("/bridge/email/users", json({ name, code }));

/** Puts a code we know in place of the mailed one (the mail itself is read end to end). */
async function knownCode(name: string, code: string, expiresAtMs = Date.now() + 60_000) {
  const hash = sha256(stringToBytes(`bridge opt-in code|${name}|${code}`));
  await env.DB.prepare("UPDATE bridge_confirmations SET code_hash = ?, expires_at_ms = ? WHERE name = ?").bind(hash, expiresAtMs, name).run();
}

/** A confirmed virtual user for `email`, and its row. */
async function virtualUser(email: string): Promise<{ name: string; token: string; profileKeys: { encryption: string } }> {
  const name = emailBridgeName(email, BRIDGE_DOMAIN);
  expect((await requestOptIn(email)).status).toBe(202);
  await knownCode(name, "424242");
  expect((await confirm(name, "424242")).status).toBe(201);
  const row = await env.DB.prepare("SELECT name, created_at_ms AS createdAtMs FROM bridge_users WHERE name = ?")
    .bind(name)
    .first<{ name: string; createdAtMs: number }>();
  const profile = decodeProfileRecord(
    (
      await env.DB.prepare("SELECT value FROM text_records WHERE node = (SELECT node FROM names WHERE name = ?) AND key = 'network.dm3.profile'")
        .bind(name)
        .first<{ value: string }>()
    )?.value,
  );
  return { name, token: await manageToken(bridgeServices(), row!), profileKeys: { encryption: profile!.profile.publicEncryptionKey } };
}

/** A DM3 user served here who writes to virtual users. */
async function sender(label: string): Promise<{ name: string; keys: Dm3Keys }> {
  const owner = privateKeyToAccount(generatePrivateKey());
  const keys = generateDm3Keys();
  const name = `${label}.${SENDERS}`;
  const profile = { publicEncryptionKey: keys.encryption.publicKey, publicSigningKey: keys.signing.publicKey, deliveryServices: [relay.dsName] };
  expect((await adminPut(`/v1/names/${name}`, { owner: owner.address, dm3Profile: await signUserProfile(owner, profile) })).status).toBe(200);
  return { name, keys };
}

function envelopeTo(recipient: { name: string; encryptionKey: string }, from: { name: string; keys: Dm3Keys }, text: string) {
  const message = createDm3Message({ from: from.name, to: recipient.name, text, senderSigningKey: from.keys.signing.privateKey });
  return buildEnvelope({
    message,
    to: recipient.name,
    from: from.name,
    recipientEncryptionKey: recipient.encryptionKey,
    deliveryServiceEncryptionKey: relay.encryption.publicKey,
    senderSigningKey: from.keys.signing.privateKey,
  });
}

const submit = (envelope: unknown) => call("/rpc", json({ jsonrpc: "2.0", id: 1, method: "dm3_submitMessage", params: [JSON.stringify(envelope)] }));

const pendingMails = (name: string) =>
  env.DB.prepare("SELECT attempts, last_error FROM bridge_mails WHERE name = ?").bind(name).all<{ attempts: number; last_error: string | null }>();

beforeAll(async () => {
  await registerDomain(BRIDGE_DOMAIN);
  await registerDomain(SENDERS);
  await registerDomain("demo.eth");
});

describe("opt-in", () => {
  test.each([
    [{ email: "not an address" }, 400, "invalid_email_address"],
    [{ email: '"quoted"@example.com' }, 400, "invalid_email_address"],
    [{ email: "a@example.com", alias: "No!" }, 400, "invalid_input"],
    [{ email: "a@example.com", extra: 1 }, 400, "invalid_input"],
    [{ email: 42 }, 400, "invalid_input"],
  ])("%j → %i %s, nothing stored", async (body, status, code) => {
    await expectError(await call("/bridge/email/confirmations", json(body)), status, code);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM bridge_confirmations").first<{ n: number }>())?.n).toBe(0);
  });

  test("an expired code, a wrong one five times, and another name's code create nothing", async () => {
    const name = emailBridgeName("codes@example.com", BRIDGE_DOMAIN);
    const other = emailBridgeName("other@example.com", BRIDGE_DOMAIN);
    expect((await requestOptIn("codes@example.com")).status).toBe(202);
    expect((await requestOptIn("other@example.com")).status).toBe(202);
    await knownCode(other, "111111");
    // A code is bound to its address's name.
    await expectError(await confirm(name, "111111"), 400, "invalid_code");
    await knownCode(name, "222222", Date.now() - 1);
    expect(await expectError(await confirm(name, "222222"), 400, "invalid_code")).toMatch(/expired/);
    await knownCode(name, "333333");
    for (let attempt = 0; attempt < 3; attempt++) await expectError(await confirm(name, "999999"), 400, "invalid_code");
    await expectError(await confirm(name, "333333"), 429, "too_many_requests");
    expect(await env.DB.prepare("SELECT name FROM bridge_users WHERE name IN (?, ?)").bind(name, other).first()).toBeNull();
  });

  test("an address with a virtual user asking again gets its management link, not a second identity", async () => {
    const user = await virtualUser("twice@example.com");
    const response = await requestOptIn("twice@example.com");
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ name: user.name, alias: null, codeExpiresAtMs: null });
    expect(await env.DB.prepare("SELECT name FROM bridge_confirmations WHERE name = ?").bind(user.name).first()).toBeNull();
    expect((await call(`/bridge/email/users/${user.name}?token=${user.token}`)).status).toBe(200);
  });

  test("the alias of another virtual user, or any existing name, is refused", async () => {
    expect((await requestOptIn("first@example.com", "frank")).status).toBe(202);
    await knownCode(emailBridgeName("first@example.com", BRIDGE_DOMAIN), "123456");
    expect((await confirm(emailBridgeName("first@example.com", BRIDGE_DOMAIN), "123456")).status).toBe(201);
    await expectError(await requestOptIn("second@example.com", "frank"), 409, "alias_taken");
  });
});

describe("attacks over time and across tenants", () => {
  test("a deleted identity's links and envelopes never reach the next identity of the same address", async () => {
    const sam = await sender("sam");
    const first = await virtualUser("again@example.com");
    const oldEnvelope = envelopeTo({ name: first.name, encryptionKey: first.profileKeys.encryption }, sam, "for the first identity");
    expect((await call(`/bridge/email/users/${first.name}?token=${first.token}`, { method: "DELETE" })).status).toBe(200);
    // Everything of it is gone: the row, the name, the relay's data (the lifecycle).
    expect(await env.DB.prepare("SELECT name FROM names WHERE name = ?").bind(first.name).first()).toBeNull();

    const second = await virtualUser("again@example.com");
    expect(second.name).toBe(first.name);
    expect(second.profileKeys.encryption).not.toBe(first.profileKeys.encryption);
    await expectError(await call(`/bridge/email/users/${first.name}?token=${first.token}`), 404, "virtual_user_not_found");
    await expectError(await call(`/bridge/email/users/${first.name}/unsubscribe?token=${first.token}`, { method: "POST" }), 404, "virtual_user_not_found");
    // The first identity's envelope does not open with the new keys: refused, nothing queued or mailed.
    const refused = await submit(oldEnvelope);
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { code: string }).code).toBe("bridge_refused");
    expect((await pendingMails(second.name)).results).toEqual([]);
    expect((await call(`/bridge/email/users/${second.name}?token=${second.token}`)).status).toBe(200);
  });

  test("the old profile cannot be published again for the name (the superseded-profile rule)", async () => {
    const user = await virtualUser("superseded@example.com");
    const stored = await env.DB.prepare(
      "SELECT n.owner_address AS owner, t.value FROM names n JOIN text_records t ON t.node = n.node AND t.key = 'network.dm3.profile' WHERE n.name = ?",
    )
      .bind(user.name)
      .first<{ owner: string; value: string }>();
    expect((await call(`/bridge/email/users/${user.name}?token=${user.token}`, { method: "DELETE" })).status).toBe(200);
    await expectError(
      await adminPut(`/v1/names/${user.name}`, { owner: stored!.owner, dm3Profile: decodeProfileRecord(stored!.value) }),
      409,
      "superseded_profile",
    );
  });

  test("a service key of the parent domain can neither write nor delete the bridge's names", async () => {
    const user = await virtualUser("tenant@example.com");
    const { key } = await createKey("demo.eth");
    const headers = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };
    await expectError(await call(`/v1/names/${user.name}`, { method: "DELETE", headers }), 403, "forbidden");
    await expectError(
      await call(`/v1/names/evil.${BRIDGE_DOMAIN}`, {
        method: "PUT",
        headers,
        body: JSON.stringify({ owner: privateKeyToAccount(generatePrivateKey()).address }),
      }),
      403,
      "forbidden",
    );
    expect((await call(`/bridge/email/users/${user.name}?token=${user.token}`)).status).toBe(200);
  });

  test("a virtual user's profile extension says it takes NEW and REPLY; an EDIT is refused, not mailed", async () => {
    const sam = await sender("editor");
    const user = await virtualUser("types@example.com");
    const answer = await call("/rpc", json({ jsonrpc: "2.0", id: 1, method: "dm3_getProfileExtension", params: [user.name] }));
    expect(JSON.parse(((await answer.json()) as { result: string }).result)).toMatchObject({
      supportedMessageTypes: ["NEW", "REPLY"],
      notSupportedMessageTypes: ["DELETE_REQUEST", "EDIT", "REACTION", "READ_OPENED", "READ_RECEIVED", "RESEND_REQUEST"],
    });
    const unsigned = { message: "edited", metadata: { type: "EDIT", to: user.name, from: sam.name, timestamp: Date.now(), referenceMessageHash: "0x01" } };
    const edit = { ...unsigned, signature: signDetached(sam.keys.signing.privateKey, stringify(unsigned)) };
    const envelope = buildEnvelope({
      message: edit,
      to: user.name,
      from: sam.name,
      recipientEncryptionKey: user.profileKeys.encryption,
      deliveryServiceEncryptionKey: relay.encryption.publicKey,
      senderSigningKey: sam.keys.signing.privateKey,
    });
    const refused = await submit(envelope);
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { message: string }).message).toMatch(/takes only NEW and REPLY messages, not EDIT/);
    expect((await pendingMails(user.name)).results).toEqual([]);
  });

  test("a message not signed by the sender's profile is refused before anything is queued", async () => {
    const sam = await sender("sam2");
    const user = await virtualUser("signed@example.com");
    const impostor = { name: sam.name, keys: { ...sam.keys, signing: generateDm3Keys().signing } };
    const response = await submit(envelopeTo({ name: user.name, encryptionKey: user.profileKeys.encryption }, impostor, "forged"));
    expect(response.status).toBe(422);
    expect(((await response.json()) as { message: string }).message).toMatch(/not signed by/);
    expect((await pendingMails(user.name)).results).toEqual([]);
  });
});

describe("resubmissions", () => {
  test("the same message submitted again — while queued or after it was mailed — is mailed once", async () => {
    const sam = await sender("repeats");
    const user = await virtualUser("repeat@example.com");
    const sent: unknown[] = [];
    const services = bridgeServices();
    const mailer = {
      send: async (mail: unknown) => {
        sent.push(mail);
        return { messageId: `<${sent.length}@repeats.test>` };
      },
    };
    services.settings = { ...services.settings, mailer };
    const envelope = envelopeTo({ name: user.name, encryptionKey: user.profileKeys.encryption }, sam, "once only");
    const first = await receiveForVirtualUser(services, envelope, { to: user.name, from: sam.name });
    expect(sent).toHaveLength(1);
    expect(await receiveForVirtualUser(services, envelope, { to: user.name, from: sam.name })).toBe(first);
    expect(sent).toHaveLength(1);
    expect((await pendingMails(user.name)).results).toEqual([]);
  });
});

describe("sending failures", () => {
  test("a temporary failure is retried from the queue; a permanent one stops delivery and shows to the owner", async () => {
    const sam = await sender("sam3");
    const user = await virtualUser("bounces@example.com");
    let failure = "temporarily unavailable";
    const failing = bridgeServices();
    failing.settings = { ...failing.settings, mailer: { send: () => Promise.reject(new Error(failure)) } };
    const envelope = envelopeTo({ name: user.name, encryptionKey: user.profileKeys.encryption }, sam, "hello");
    const id = await receiveForVirtualUser(failing, envelope, { to: user.name, from: sam.name });
    expect((await pendingMails(user.name)).results).toEqual([{ attempts: 1, last_error: "temporarily unavailable" }]);
    // Not due yet: a wake-up does nothing.
    await deliverBridgeMail(failing, id);
    expect((await pendingMails(user.name)).results[0]?.attempts).toBe(1);

    await env.DB.prepare("UPDATE bridge_mails SET next_attempt_at_ms = 0 WHERE id = ?").bind(id).run();
    failure = "recipient address rejected: user unknown";
    await deliverBridgeMail(failing, id);
    expect((await pendingMails(user.name)).results).toEqual([]);
    const view = (await (await call(`/bridge/email/users/${user.name}?token=${user.token}`)).json()) as { status: string; statusReason: string };
    expect(view).toMatchObject({ status: "undeliverable", statusReason: "recipient address rejected: user unknown" });
    // Delivery has stopped: the next message is refused with the reason.
    const again = await submit(envelopeTo({ name: user.name, encryptionKey: user.profileKeys.encryption }, sam, "again"));
    expect(again.status).toBe(422);
    expect(((await again.json()) as { message: string }).message).toMatch(/cannot be reached by mail/);
  });
});

describe("email → DM3 failures", () => {
  test("a virtual user's message that fails for good comes back to its address as one mail", async () => {
    const user = await virtualUser("returns@example.com");
    const sent: { to: unknown; subject: string; text?: string }[] = [];
    const mailer = {
      send: async (mail: { to: unknown; subject: string; text?: string }) => {
        sent.push(mail);
        return { messageId: `<${sent.length}@bridge.test>` };
      },
    };
    const services = createServices({ ...env, EMAIL: mailer } as unknown as Env);
    const keys = generateDm3Keys();
    const envelope = buildEnvelope({
      message: createDm3Message({ from: user.name, to: "nobody.senders.eth", text: "into the void", senderSigningKey: keys.signing.privateKey }),
      to: "nobody.senders.eth",
      from: user.name,
      recipientEncryptionKey: keys.encryption.publicKey,
      deliveryServiceEncryptionKey: relay.encryption.publicKey,
      senderSigningKey: keys.signing.privateKey,
    });
    // This relay refuses it for good (no such recipient): the outbound queue reports failed at once.
    await services
      .emailBridgeServices()!
      .outbound.post(BRIDGE_DOMAIN, { from: user.name, to: "nobody.senders.eth", envelopes: [{ deliveryService: relay.dsName, envelope }] });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      to: "returns@example.com",
      subject: "Not delivered on DM3: your message to nobody.senders.eth",
      // Machine-made (RFC 3834): an autoresponder must not answer it, so two bridges cannot loop.
      headers: { "Auto-Submitted": "auto-replied" },
    });
    expect(sent[0]?.text).toMatch(/has no valid DM3 profile/);
  });
});

describe("rotating BRIDGE_SECRET", () => {
  test("the cron reseals every virtual user under the new secret; the old secret alone then opens nothing", async () => {
    const user = await virtualUser("rotation@example.com");
    const rotated = createServices({
      ...env,
      BRIDGE_SECRET: "the-next-bridge-secret-0123456789abcdef",
      BRIDGE_PREVIOUS_SECRET: env.BRIDGE_SECRET,
    } as unknown as Env);
    const bridge = rotated.emailBridgeServices()!;
    const before = await env.DB.prepare("SELECT sealed_keys FROM bridge_users WHERE name = ?").bind(user.name).first<{ sealed_keys: string }>();
    expect(before?.sealed_keys.startsWith(bridge.vault.currentPrefix)).toBe(false);
    expect(await countUsersToReseal(bridge.db, bridge.vault.currentPrefix)).toBeGreaterThan(0);
    await rotated.emailBridge()!.maintain();
    expect(await countUsersToReseal(bridge.db, bridge.vault.currentPrefix)).toBe(0);
    const after = await env.DB.prepare("SELECT sealed_keys, sealed_email FROM bridge_users WHERE name = ?")
      .bind(user.name)
      .first<{ sealed_keys: string; sealed_email: string }>();
    expect(after?.sealed_keys.startsWith(bridge.vault.currentPrefix)).toBe(true);
    expect(after?.sealed_email.startsWith(bridge.vault.currentPrefix)).toBe(true);
    // Under the new secret alone (the previous one dropped), the user still opens: keys and address.
    const next = createServices({ ...env, BRIDGE_SECRET: "the-next-bridge-secret-0123456789abcdef" } as unknown as Env).emailBridgeServices()!;
    expect((await openKeys(next.vault, user.name, after!.sealed_keys)).signing.publicKey).toBeTruthy();
    expect(await openAddress(next.vault, user.name, after!.sealed_email)).toBe("rotation@example.com");
    // …and the old secret alone no longer does.
    await expect(openKeys(bridgeServices().vault, user.name, after!.sealed_keys)).rejects.toThrow(/unknown secret/);
  });
});

describe("the operator", () => {
  test("switch, status and list are admin only; the list never shows addresses", async () => {
    await expectError(await call("/v1/bridges/email"), 401, "unauthorized");
    const admin = { Authorization: "Bearer test-admin-token" };
    const status = (await (await call("/v1/bridges/email", { headers: admin })).json()) as { enabled: boolean; domain: string };
    expect(status).toMatchObject({ enabled: true, domain: BRIDGE_DOMAIN });
    expect((await adminPut("/v1/bridges/email", { enabled: false })).status).toBe(200);
    await expectError(await requestOptIn("off@example.com"), 503, "bridge_off");
    expect((await adminPut("/v1/bridges/email", { enabled: true })).status).toBe(200);
    const list = await (await call("/v1/bridges/email/users?limit=1000", { headers: admin })).text();
    expect(list).not.toMatch(/@example\.com/);
  });
});

/** An inbound mail as Email Routing hands it to the `email()` handler. */
function inbound(raw: Uint8Array | string, options: { from?: string; to?: string; rawSize?: number } = {}) {
  const bytes = typeof raw === "string" ? new TextEncoder().encode(raw) : raw;
  let rejected: string | undefined;
  const message = {
    from: options.from ?? "fuzz@example.com",
    to: options.to ?? `alice.demo.eth@${settingsOf(env).emailBridge()?.mailDomain}`,
    headers: new Headers(),
    rawSize: options.rawSize ?? bytes.byteLength,
    raw: new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.byteLength; offset += 64 * 1024) controller.enqueue(bytes.slice(offset, offset + 64 * 1024));
        controller.close();
      },
    }),
    setReject(reason: string) {
      rejected = reason;
    },
    forward: () => Promise.reject(new Error("not used")),
    reply: () => Promise.reject(new Error("not used")),
  } as unknown as ForwardableEmailMessage;
  return { message, rejected: () => rejected };
}

async function handle(raw: Uint8Array | string, options?: Parameters<typeof inbound>[1], workerEnv: Env = env): Promise<string | undefined> {
  const mail = inbound(raw, options);
  const ctx = createExecutionContext();
  await worker.email(mail.message, workerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return mail.rejected();
}

const AUTHENTICATED = "Authentication-Results: mx.cloudflare.net; dmarc=pass header.from=example.com\r\n";

describe("email → DM3 and its limits", () => {
  /** The worker with BRIDGE_MAIL_LIMITER swapped for TEST_LIMITER (3 per minute per key). */
  const limitedEnv = { ...env, BRIDGE_MAIL_LIMITER: (env as unknown as { TEST_LIMITER: RateLimit }).TEST_LIMITER } as unknown as Env;
  const mailFrom = (from: string, to: string, text: string) =>
    `${AUTHENTICATED.replace("example.com", from.slice(from.indexOf("@") + 1))}From: <${from}>\r\nTo: <${to}>\r\nMessage-ID: <${crypto.randomUUID()}@x>\r\n\r\n${text}\r\n`;

  test("a confirmed, authenticated mail reaches a DM3 user here; a virtual user's fourth mail in a minute is refused", async () => {
    const sam = await sender("mailed");
    await virtualUser("writer@example.com");
    const to = `${sam.name}@bridge.test`;
    for (let index = 1; index <= 3; index++) {
      expect(await handle(mailFrom("writer@example.com", to, `mail ${index}`), { from: "writer@example.com", to }, limitedEnv)).toBeUndefined();
    }
    expect(await handle(mailFrom("writer@example.com", to, "mail 4"), { from: "writer@example.com", to }, limitedEnv)).toMatch(/too many mails/);
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM messages WHERE recipient = ? AND sender = ?")
      .bind(sam.name, emailBridgeName("writer@example.com", BRIDGE_DOMAIN))
      .first<{ n: number }>();
    expect(stored?.n).toBe(3);
  });

  test("a DM3 sender's fourth message in a minute into the bridge is refused, and not mailed", async () => {
    const sam = await sender("chatty");
    const user = await virtualUser("quiet@example.com");
    const limited = createServices(limitedEnv).emailBridgeServices()!;
    for (let index = 1; index <= 3; index++) {
      await receiveForVirtualUser(limited, envelopeTo({ name: user.name, encryptionKey: user.profileKeys.encryption }, sam, `m${index}`), {
        to: user.name,
        from: sam.name,
      });
    }
    await expect(
      receiveForVirtualUser(limited, envelopeTo({ name: user.name, encryptionKey: user.profileKeys.encryption }, sam, "m4"), { to: user.name, from: sam.name }),
    ).rejects.toThrow(/too many messages/);
  });
});

describe("the email handler under hostile MIME", () => {
  const FUZZ_RUNS = Math.max(200, Math.round(Number(env.FUZZ_INPUTS || 100_000) / 250));

  test.each([
    ["25 MB", () => new Uint8Array(25 * 1024 * 1024).fill(0x61), /larger than/],
    ["a size the platform understates", () => new Uint8Array(2 * 1024 * 1024).fill(0x61), /larger than/, 10],
    [
      "5,000 nested multiparts",
      () => `${AUTHENTICATED}From: fuzz@example.com\r\n${"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n".repeat(5000)}x`,
      /cannot be read|no confirmed/,
    ],
    ["a 200 KB header", () => `${AUTHENTICATED}From: fuzz@example.com\r\nX-Big: ${"a".repeat(200_000)}\r\n\r\nbody`, /cannot be read|larger than/],
    ["no From", () => `${AUTHENTICATED}Subject: hi\r\n\r\nbody`, /no From/],
    ["bad encodings", () => `${AUTHENTICATED}From: =?x-unknown?B?@@@?=\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!`, /.+/],
    ["binary garbage", () => Uint8Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256), /.+/],
  ])("%s: a clean rejection with a reason", async (_what, build, reason, rawSize?: number) => {
    const rejected = await handle(build(), rawSize === undefined ? {} : { rawSize });
    expect(rejected).toMatch(reason);
  });

  test("generated mail never crashes the handler: every mail is taken or rejected with a reason", async () => {
    // Half the mail comes from a confirmed address, so it is parsed to the end and goes on to its recipient.
    await virtualUser("fuzzer@example.com");
    const header = fc.tuple(fc.stringMatching(/^[A-Za-z-]{1,20}$/), fc.string({ maxLength: 200 })).map(([key, value]) => `${key}: ${value}\r\n`);
    const part = fc.oneof(
      fc.string({ maxLength: 500 }),
      fc.uint8Array({ maxLength: 500 }).map((bytes) => String.fromCharCode(...bytes)),
    );
    const mail = fc
      .tuple(
        fc.boolean(),
        fc.constantFrom("fuzz@example.com", "fuzzer@example.com"),
        fc.array(header, { maxLength: 10 }),
        fc.constantFrom("", "Content-Type: multipart/mixed; boundary=zz\r\n"),
        fc.array(part, { maxLength: 5 }),
      )
      .map(([authenticated, from, headers, multipart, parts]) =>
        [authenticated ? AUTHENTICATED : "", `From: Fuzz <${from}>\r\n`, ...headers, multipart, "\r\n", parts.join("\r\n--zz\r\n")].join(""),
      );
    await fc.assert(
      fc.asyncProperty(mail, async (raw) => {
        const rejected = await handle(raw);
        // Taken (undefined) or rejected with a reason; never a throw out of the handler.
        expect(rejected === undefined || (typeof rejected === "string" && rejected.length > 0)).toBe(true);
      }),
      { numRuns: FUZZ_RUNS },
    );
  }, 120_000);
});
