import { createScheduledController, env } from "cloudflare:test";
import { decodeAbiParameters, type Hex, hashMessage, sha256, stringToBytes } from "viem";
import { beforeAll, describe, expect, test } from "vitest";
import worker from "../src/index";
import { decryptAsymmetric, parseEncryptedPayload, signDetached, verifyDetached } from "../src/protocol/dm3/asymmetric";
import { buildEnvelope as buildDm3Envelope, type Dm3Envelope } from "../src/protocol/dm3/buildEnvelope";
import { generateDm3Keys } from "../src/protocol/dm3/keys";
import { signUserProfile } from "../src/protocol/dm3/profile";
import { stringify } from "../src/protocol/dm3/stringify";
import { settingsOf } from "../src/settings/settingsOf";
import { adminPut, alice, call, expectError, registerDomain, resolveCallData, SENDER } from "./fixtures";
import { TEST_DS_URL } from "./testSecrets";

const relay = settingsOf(env).relay();
const recipientKeys = generateDm3Keys();
const RECIPIENT = "alice.relay.eth";
const SENDER_NAME = "bob.relay.eth";

type Envelope = Dm3Envelope;
const senderSigningKey = generateDm3Keys().signing.privateKey;

function buildEnvelope(text: string, to = RECIPIENT, from = SENDER_NAME, dsPublicKey = relay.encryption.publicKey): Envelope {
  return buildDm3Envelope({
    message: { message: text, metadata: { to, from, timestamp: Date.now(), type: "NEW" } },
    to,
    from,
    recipientEncryptionKey: recipientKeys.encryption.publicKey,
    deliveryServiceEncryptionKey: dsPublicKey,
    senderSigningKey,
  });
}

const rpc = (body: unknown) => call("/rpc", { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
const submit = (envelope: unknown) => rpc({ jsonrpc: "2.0", method: "dm3_submitMessage", params: [JSON.stringify(envelope)], id: 1 });

async function login(name = RECIPIENT, signingKey = recipientKeys.signing.privateKey): Promise<string> {
  const challenge = (await (await call(`/auth/${name}`)).json()) as string;
  const response = await call(`/auth/${name}`, { method: "POST", body: JSON.stringify({ challenge, signature: signDetached(signingKey, challenge) }) });
  expect(response.status).toBe(200);
  return (await response.json()) as string;
}

const pickup = (token: string, name = RECIPIENT, slash = "") =>
  call(`/delivery/messages/incoming/${name}${slash}`, { headers: { Authorization: `Bearer ${token}` } });

beforeAll(async () => {
  await registerDomain("relay.eth");
  const profile = await signUserProfile(alice, {
    publicEncryptionKey: recipientKeys.encryption.publicKey,
    publicSigningKey: recipientKeys.signing.publicKey,
    deliveryServices: ["ds.demo.eth"],
  });
  expect((await adminPut(`/v1/names/${RECIPIENT}`, { owner: alice.address, dm3Profile: profile })).status).toBe(200);
  expect((await adminPut(`/v1/names/noprofile.relay.eth`, { owner: SENDER })).status).toBe(200);
});

describe("delivery service identity", () => {
  test("serves network.dm3.deliveryService for DS_NAME through the gateway, with the DS public keys", async () => {
    await registerDomain("demo.eth");
    const callData = resolveCallData("ds.demo.eth", { functionName: "text", key: "network.dm3.deliveryService" });
    const response = await call(`/ccip/${SENDER}/${callData}.json`);
    const { data } = (await response.json()) as { data: Hex };
    const [result] = decodeAbiParameters([{ type: "bytes" }, { type: "uint64" }, { type: "bytes" }], data);
    const [text] = decodeAbiParameters([{ type: "string" }], result);
    expect(text).toBe(
      `data:application/json,${stringify({ publicEncryptionKey: relay.encryption.publicKey, publicSigningKey: relay.signing.publicKey, url: TEST_DS_URL })}`,
    );
  });

  test("answers dm3_getDeliveryServiceProperties with a JSON string of public properties only", async () => {
    const body = (await (await rpc({ jsonrpc: "2.0", method: "dm3_getDeliveryServiceProperties", params: [], id: 7 })).json()) as {
      result: string;
      id: number;
    };
    expect(typeof body.result).toBe("string");
    // Served names keep messages until acknowledged; names served elsewhere 30 days: the guarantee is 30.
    expect(JSON.parse(body.result)).toEqual({ messageTTL: 30, sizeLimit: 100_000 });
    expect(body.id).toBe(7);
  });

  test("answers dm3_getProfileExtension for a recipient here, in dm3's field names, with its domain's spam rules", async () => {
    const extension = async (name: unknown) => (await rpc({ jsonrpc: "2.0", method: "dm3_getProfileExtension", params: [name], id: 9 })) as Response;
    const plain = (await (await extension(RECIPIENT)).json()) as { result: string; id: number };
    expect(plain.id).toBe(9);
    expect(JSON.parse(plain.result)).toEqual({
      encryptionAlgorithm: ["x25519-chacha20-poly1305"],
      supportedMessageTypes: ["NEW", "DELETE_REQUEST", "EDIT", "REPLY", "REACTION", "READ_OPENED", "READ_RECEIVED", "RESEND_REQUEST"],
      notSupportedMessageTypes: [],
    });
    // The domain's default rules, as a sender must know them before writing.
    await env.DB.prepare("INSERT INTO spam_rules (kind, subject, rules, owner_key, updated_at_ms) VALUES ('domain', 'relay.eth', ?, NULL, 0)")
      .bind(JSON.stringify({ minNonce: 2, minBalance: "1000" }))
      .run();
    try {
      const ruled = JSON.parse(((await (await extension(RECIPIENT.toUpperCase())).json()) as { result: string }).result);
      expect(ruled).toMatchObject({ minNonce: "2", minBalance: "1000" });
    } finally {
      await env.DB.prepare("DELETE FROM spam_rules WHERE kind = 'domain' AND subject = 'relay.eth'").run();
    }
    // Names this relay does not deliver to, and malformed names, are refused as JSON-RPC errors.
    await expectError(await extension("nobody.relay.eth"), 404, "unknown_recipient");
    await expectError(await extension(42), 400, "invalid_envelope");
    await expectError(await extension("a..b"), 400, "invalid_envelope");
  });

  test("says hello", async () => {
    expect(await (await call("/hello")).text()).toBe("Hello DM3");
  });
});

describe("submit, authenticate, pick up, acknowledge", () => {
  test("delivers an envelope to its recipient only, postmarked, and deletes it on acknowledgement", async () => {
    const envelope = buildEnvelope("hi alice");
    expect((await submit(envelope)).status).toBe(200);

    await expectError(await call(`/delivery/messages/incoming/${RECIPIENT}`), 401, "unauthorized");
    const token = await login();
    const messages = (await (await pickup(token)).json()) as (Envelope & { metadata: { deliveryInformation: unknown }; postmark: string })[];
    const mine = messages.find((item) => item.metadata.encryptedMessageHash === envelope.metadata.encryptedMessageHash);
    expect(mine?.metadata.deliveryInformation).toEqual({ to: RECIPIENT, from: SENDER_NAME });
    expect(mine?.message).toBe(envelope.message);

    const postmark = JSON.parse(decryptAsymmetric(recipientKeys.encryption, parseEncryptedPayload(mine!.postmark))) as {
      messageHash: string;
      incommingTimestamp: number;
      signature: string;
    };
    expect(postmark.messageHash).toBe(hashMessage(stringify(envelope.message)));
    expect(Math.abs(postmark.incommingTimestamp - Date.now())).toBeLessThan(60_000);
    const signed = sha256(stringToBytes(stringify({ incommingTimestamp: postmark.incommingTimestamp, messageHash: postmark.messageHash })));
    expect(verifyDetached(relay.signing.publicKey, signed, postmark.signature)).toBe(true);

    const ack = await call(`/delivery/messages/${RECIPIENT}/syncAcknowledgements/`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ acknowledgements: [{ contactAddress: SENDER_NAME, messageHash: envelope.metadata.encryptedMessageHash }] }),
    });
    expect(ack.status).toBe(200);
    const after = (await (await pickup(token, RECIPIENT, "/")).json()) as Envelope[];
    expect(after.some((item) => item.metadata.encryptedMessageHash === envelope.metadata.encryptedMessageHash)).toBe(false);
  });

  test("serves messages newest first", async () => {
    const first = buildEnvelope("one");
    const second = buildEnvelope("two");
    await submit(first);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await submit(second);
    const list = (await (await pickup(await login())).json()) as Envelope[];
    const order = list.map((item) => item.metadata.encryptedMessageHash);
    expect(order.indexOf(second.metadata.encryptedMessageHash)).toBeLessThan(order.indexOf(first.metadata.encryptedMessageHash));
  });

  test("accepts older envelopes that carry messageHash instead of encryptedMessageHash", async () => {
    const { encryptedMessageHash, ...metadata } = buildEnvelope("legacy").metadata;
    const legacy = { message: "x", metadata: { ...metadata, messageHash: encryptedMessageHash } };
    expect((await submit(legacy)).status).toBe(200);
  });

  test("loses nothing under concurrent submits for one recipient", async () => {
    const envelopes = Array.from({ length: 20 }, (_, index) => buildEnvelope(`burst ${index}`));
    const statuses = await Promise.all(envelopes.map(async (envelope) => (await submit(envelope)).status));
    expect(statuses.every((status) => status === 200)).toBe(true);
    const hashes = new Set(((await (await pickup(await login())).json()) as Envelope[]).map((item) => item.metadata.encryptedMessageHash));
    for (const envelope of envelopes) expect(hashes.has(envelope.metadata.encryptedMessageHash)).toBe(true);
  });
});

describe("acknowledgements in bulk", () => {
  test("delete 120 messages in one call (more than D1 binds per statement)", async () => {
    const envelopes = Array.from({ length: 120 }, (_, index) => buildEnvelope(`bulk ${index}`, RECIPIENT, "bulk.relay.eth"));
    for (const envelope of envelopes) expect((await submit(envelope)).status).toBe(200);
    const token = await login();
    const acknowledgements = envelopes.map((envelope) => ({ contactAddress: "bulk.relay.eth", messageHash: envelope.metadata.encryptedMessageHash }));
    const response = await call(`/delivery/messages/${RECIPIENT}/syncAcknowledgements`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ acknowledgements }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ acknowledged: 120 });
    const left = (await (await pickup(token)).json()) as Envelope[];
    expect(left.some((item) => item.metadata.encryptedMessageHash === envelopes[0]!.metadata.encryptedMessageHash)).toBe(false);
  });

  test("an acknowledgement from another sender name deletes nothing", async () => {
    const envelope = buildEnvelope("keep me");
    await submit(envelope);
    const token = await login();
    const response = await call(`/delivery/messages/${RECIPIENT}/syncAcknowledgements`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ acknowledgements: [{ contactAddress: "mallory.relay.eth", messageHash: envelope.metadata.encryptedMessageHash }] }),
    });
    expect(await response.json()).toEqual({ acknowledged: 0 });
  });
});

describe("refusals", () => {
  test("refuses an oversized envelope with 413 and dm3's JSON-RPC error -32011", async () => {
    const envelope = buildEnvelope("x");
    const response = await submit({ ...envelope, message: "m".repeat(100_001) });
    const body = (await response.clone().json()) as { error: { code: number }; id: number };
    await expectError(response, 413, "message_too_large");
    expect(body.error.code).toBe(-32011);
    expect(body.id).toBe(1);
  });

  test.each([
    ["malformed JSON", "{not json", 400, "invalid_json", -32700],
    ["an unknown method", { jsonrpc: "2.0", method: "dm3_nope", params: [] }, 405, "method_not_supported", -32601],
    ["no params", { jsonrpc: "2.0", method: "dm3_submitMessage" }, 400, "invalid_envelope", -32602],
    ["an envelope that is not a string", { jsonrpc: "2.0", method: "dm3_submitMessage", params: [{}] }, 400, "invalid_envelope", -32602],
    ["an envelope that is not JSON", { jsonrpc: "2.0", method: "dm3_submitMessage", params: ["{"] }, 400, "invalid_envelope", -32602],
    [
      "an envelope of the wrong shape",
      { jsonrpc: "2.0", method: "dm3_submitMessage", params: [JSON.stringify({ message: 1 })] },
      400,
      "invalid_envelope",
      -32602,
    ],
  ])("refuses %s with a JSON-RPC error object", async (_, body, status, code, jsonRpcCode) => {
    const response = await rpc(body);
    expect(response.status).toBe(status);
    const json = (await response.json()) as {
      code: string;
      message: string;
      jsonrpc: string;
      error: { code: number; message: string; data: { code: string } };
    };
    expect(json.code).toBe(code);
    expect(json.jsonrpc).toBe("2.0");
    expect(json.error).toEqual({ code: jsonRpcCode, message: json.message, data: { code } });
    expect(json.message.length).toBeGreaterThan(0);
  });

  test("refuses delivery information encrypted for another delivery service", async () => {
    await expectError(await submit(buildEnvelope("x", RECIPIENT, SENDER_NAME, generateDm3Keys().encryption.publicKey)), 400, "dm3_crypto");
  });

  test("refuses unknown recipients and names without a profile", async () => {
    await expectError(await submit(buildEnvelope("x", "nobody.relay.eth")), 404, "unknown_recipient");
    await expectError(await submit(buildEnvelope("x", "noprofile.relay.eth")), 404, "unknown_recipient");
  });

  test("refuses a challenge signed with another key, replayed, or issued for another name", async () => {
    const challenge = (await (await call(`/auth/${RECIPIENT}`)).json()) as string;
    const wrong = await call(`/auth/${RECIPIENT}`, {
      method: "POST",
      body: JSON.stringify({ challenge, signature: signDetached(generateDm3Keys().signing.privateKey, challenge) }),
    });
    expect(await expectError(wrong, 400, "signature_invalid")).toBe("Signature invalid");

    const answer = JSON.stringify({ challenge, signature: signDetached(recipientKeys.signing.privateKey, challenge) });
    expect((await call(`/auth/${RECIPIENT}`, { method: "POST", body: answer })).status).toBe(200);
    await expectError(await call(`/auth/${RECIPIENT}`, { method: "POST", body: answer }), 400, "signature_invalid");

    const forOther = (await (await call("/auth/noprofile.relay.eth")).json()) as string;
    const crossed = JSON.stringify({ challenge: forOther, signature: signDetached(recipientKeys.signing.privateKey, forOther) });
    await expectError(await call(`/auth/${RECIPIENT}`, { method: "POST", body: crossed }), 400, "signature_invalid");
  });

  test("refuses pickup with another name's token, a garbage token, or an expired one", async () => {
    const token = await login();
    await expectError(await pickup(token, "noprofile.relay.eth"), 401, "unauthorized");
    await expectError(await pickup("garbage"), 401, "unauthorized");
    const { sign } = await import("hono/jwt");
    const expired = await sign({ typ: "session", sub: RECIPIENT, iat: 1, exp: 2 }, relay.jwtSecret, "HS256");
    await expectError(await pickup(expired), 401, "unauthorized");
    const forged = await sign({ typ: "session", sub: RECIPIENT, iat: 1, exp: 9_999_999_999 }, "not-the-secret", "HS256");
    await expectError(await pickup(forged), 401, "unauthorized");
  });

  test("refuses acknowledgements without a session and leaves the messages", async () => {
    const response = await call(`/delivery/messages/${RECIPIENT}/syncAcknowledgements`, { method: "POST", body: JSON.stringify({ acknowledgements: [] }) });
    await expectError(response, 401, "unauthorized");
  });
});

describe("expiry", () => {
  test("the cron handler removes only expired messages", async () => {
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO messages (id, recipient, sender, message_hash, envelope, received_at_ms, expires_at_ms) VALUES (?1, ?2, 'x', 'h1', '{}', ?3, ?4), (?5, ?2, 'x', 'h2', '{}', ?3, ?6), (?7, ?2, 'x', 'h3', '{}', ?3, NULL)",
    )
      .bind("exp-old", "ttl.relay.eth", now - 10, now - 1, "exp-new", now + 60_000, "exp-none")
      .run();
    await worker.scheduled(createScheduledController({ scheduledTime: now }), env);
    const left = await env.DB.prepare("SELECT id FROM messages WHERE recipient = 'ttl.relay.eth' ORDER BY id").all<{ id: string }>();
    expect(left.results.map((row) => row.id)).toEqual(["exp-new", "exp-none"]);
  });
});
