/**
 * The SDK inside workerd (the Workers runtime): the same package a service would import, talking to
 * the worker under test and doing DM3's crypto — no Node APIs needed.
 */
import { exports } from "cloudflare:workers";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { describe, expect, test } from "vitest";
import {
  buildEnvelope,
  createDm3Message,
  createDm3Profile,
  createRegistryClient,
  generateDm3Keys,
  openEnvelope,
  RegistryApiError,
  signWebhook,
  verifyDm3Message,
  verifyWebhook,
} from "../../sdk/src/index";
import { ADMIN_TOKEN, RESOLVER } from "./fixtures";

const inWorker = (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init));

describe("the SDK in workerd", () => {
  test("its registry client registers a domain and a user with a profile it made, and reads typed errors", async () => {
    const admin = createRegistryClient({ url: "http://gateway.test", credential: ADMIN_TOKEN, fetch: inWorker as typeof fetch });
    await admin.putDomain("sdk.eth", { resolverAddress: RESOLVER, chainId: 31337 });
    const wallet = privateKeyToAccount(generatePrivateKey());
    const { signedUserProfile } = await createDm3Profile(wallet, { deliveryServices: ["ds.demo.eth"] });
    const view = await admin.putName("user.sdk.eth", { owner: wallet.address, dm3Profile: signedUserProfile });
    expect(view.dm3Profile).toEqual(signedUserProfile);
    // It keeps the D1 bookmark of its writes and sends it back: the next read sees them on any replica.
    const afterWrite = admin.bookmark();
    expect(afterWrite).toMatch(/^[0-9a-f-]+$/);
    const sent: string[] = [];
    const watching = createRegistryClient({
      url: "http://gateway.test",
      fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
        sent.push(new Headers(init?.headers).get("X-D1-Bookmark") ?? "");
        return inWorker(input, init);
      }) as typeof fetch,
    });
    await watching.getName("user.sdk.eth");
    await watching.getName("user.sdk.eth");
    expect(sent[0]).toBe("");
    expect(sent[1]).toMatch(/^[0-9a-f-]+$/);
    const anonymous = createRegistryClient({ url: "http://gateway.test", fetch: inWorker as typeof fetch });
    await expect(anonymous.deleteName("user.sdk.eth")).rejects.toBeInstanceOf(RegistryApiError);
  });

  test("verifies webhooks and builds, opens and checks DM3 messages", async () => {
    const body = '{"id":"1"}';
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = await signWebhook("k", body, Number(timestamp));
    expect((await verifyWebhook({ secret: "k", body, signature, timestamp })).valid).toBe(true);
    expect(await verifyWebhook({ secret: "k", body: `${body} `, signature, timestamp })).toMatchObject({ valid: false, reason: "bad_signature" });
    const sender = generateDm3Keys();
    const recipient = generateDm3Keys();
    const message = createDm3Message({ from: "a.sdk.eth", to: "b.sdk.eth", text: "in workerd", senderSigningKey: sender.signing.privateKey });
    const envelope = buildEnvelope({
      message,
      to: "b.sdk.eth",
      from: "a.sdk.eth",
      recipientEncryptionKey: recipient.encryption.publicKey,
      deliveryServiceEncryptionKey: generateDm3Keys().encryption.publicKey,
      senderSigningKey: sender.signing.privateKey,
    });
    const opened = openEnvelope(
      { ...envelope, metadata: { ...envelope.metadata, deliveryInformation: { to: "b.sdk.eth", from: "a.sdk.eth" } } },
      recipient.encryption,
    );
    expect(opened.message.message).toBe("in workerd");
    expect(verifyDm3Message(opened.message, sender.signing.publicKey)).toBe(true);
    expect(verifyDm3Message({ ...opened.message, message: "tampered" }, sender.signing.publicKey)).toBe(false);
  });
});
