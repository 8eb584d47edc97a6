/**
 * Email notifications end to end under `wrangler dev`, whose Email Service simulation lists every
 * mail the worker sends: a relay user asks for notifications through the SDK's inbox session, reads
 * the code from the mail, confirms, and a DM3 message sent through ENS (the recipient's profile
 * and delivery service resolved on chain) produces one "new message" mail — without the content —
 * with a working one-click unsubscribe link.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createPublicClient, http } from "viem";
import { hardhat } from "viem/chains";
import { createDeliveryServiceSession, createDm3Message, type DeliveryServiceSession, type EnsReader, sendDm3Message } from "../../sdk/src/index";
import { generateDm3Keys } from "../../worker/src/protocol/dm3/keys";
import { listSentMail, waitForMail } from "../../scripts/stack/localMail";
import { findFreePort } from "../../scripts/stack/processes";
import { type Stack, startStack } from "../../scripts/stack/startStack";

const EMAIL = "alice.notify@example.com";
const CONTENT = "the content no mail may carry";
let stack: Stack;
let stateDir: string;
let inbox: DeliveryServiceSession;

const recipient = () => stack.demoUsers[0]!;
const ens = (): EnsReader => ({ client: createPublicClient({ chain: hardhat, transport: http(stack.info.rpcUrl) }), registry: stack.info.ensRegistry });

async function sendToRecipient(text: string) {
  const from = "bob.elsewhere.eth";
  const senderSigningKey = generateDm3Keys().signing.privateKey;
  const message = createDm3Message({ from, to: recipient().name, text, senderSigningKey });
  await sendDm3Message({ ens: ens(), message, senderSigningKey });
}

const notificationsTo = async (email: string) =>
  (await listSentMail(stack.info.gatewayUrl)).filter((mail) => mail.to.includes(email) && /^New DM3 message/.test(mail.subject));

before(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), "dm3-notifications-"));
  stack = await startStack({ rpcPort: await findFreePort(), workerPort: await findFreePort(), inspectorPort: await findFreePort(), stateDir });
  inbox = await createDeliveryServiceSession({ url: stack.info.gatewayUrl, name: recipient().name, signingKey: recipient().dm3.signing.privateKey });
});

after(async () => {
  await stack?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe("email notifications (wrangler dev's Email Service)", () => {
  it("an unconfirmed address gets its code and nothing else", async () => {
    const asked = await inbox.setNotificationEmail(EMAIL);
    assert.equal(asked.confirmed, false);
    const mail = await waitForMail(stack.info.gatewayUrl, { to: EMAIL, subject: /^Your dm3 notification code: \d{6}$/ });
    assert.match(mail.text ?? "", new RegExp(`new DM3 messages for ${recipient().name.replaceAll(".", "\\.")}`));
    await sendToRecipient("before confirming");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.deepEqual(await notificationsTo(EMAIL), []);
  });

  it("the code from the mail confirms the address; a message then notifies once, without its content", async () => {
    const codeMail = await waitForMail(stack.info.gatewayUrl, { to: EMAIL, subject: /^Your dm3 notification code/ });
    const code = /(\d{6})/.exec(codeMail.subject)?.[1] ?? "";
    assert.equal((await inbox.confirmNotificationEmail(code)).confirmed, true);
    await assert.rejects(inbox.confirmNotificationEmail(code), /invalid_code|No code is pending/);

    await sendToRecipient(CONTENT);
    const notification = await waitForMail(stack.info.gatewayUrl, { to: EMAIL, subject: /^New DM3 message for / });
    assert.equal(notification.subject, `New DM3 message for ${recipient().name}`);
    assert.match(notification.text ?? "", /from bob\.elsewhere\.eth/);
    assert.doesNotMatch(notification.text ?? "", new RegExp(CONTENT));
    assert.equal(notification.headers?.["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click");
    // Within the interval, more messages add no mail.
    await sendToRecipient("a second one");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal((await notificationsTo(EMAIL)).length, 1);
    // The message itself waits in the inbox as always.
    assert.ok((await inbox.pickUp()).length >= 3);
  });

  it("the one-click unsubscribe link (RFC 8058) ends the notifications", async () => {
    const [notification] = await notificationsTo(EMAIL);
    const link = /^<(.+)>$/.exec(notification?.headers?.["List-Unsubscribe"] ?? "")?.[1] ?? "";
    assert.ok(link.startsWith(`${stack.info.gatewayUrl}/notifications/unsubscribe?`), link);
    const response = await fetch(link, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await inbox.getNotifications(), { name: recipient().name, email: null, confirmed: false, codeExpiresAtMs: null, intervalSeconds: 900 });
    assert.equal((await fetch(link, { method: "POST" })).status, 400);
  });
});
