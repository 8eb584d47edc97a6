/**
 * The email bridge under `wrangler dev`, both directions in one window beside two references: `GET
 * /health` and a plain submit to a DM3 user served here. DM3 → email: `dm3_submitMessage` to a
 * virtual user (opened with the custodial keys, the sender's signature checked, the mail sent in
 * the request). Email → DM3: a raw mail into the `email()` handler (parsed, authenticated, a DM3
 * message signed and encrypted, handed to the outbound queue and delivered to the recipient here).
 * Messages per second, latency percentiles and the worker's CPU per message (its process tree, /proc).
 */
import {
  buildEnvelope,
  createDm3Message,
  createDm3Profile,
  createRegistryClient,
  type Dm3Envelope,
  type OptInView,
  type RegistryClient,
} from "../sdk/src/index";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { listSentMail, sendInboundMail } from "../scripts/stack/localMail";
import type { Stack } from "../scripts/stack/startStack";
import { withBenchStack } from "./lib/benchStack";
import { deliveryServiceKey, drainInbox, submitEnvelope } from "./lib/relayClient";
import { measureSeries, printSeries } from "./lib/series";
import { simulatedClientHeaders } from "./lib/simulatedClients";

const MESSAGES = Number(process.env.BENCH_BRIDGE_MESSAGES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
/** `BRIDGE_MAIL_LIMITER` allows 20 a minute per DM3 sender and per virtual user: spread the load. */
const PER_SENDER = 20;

export async function benchBridge(): Promise<void> {
  await withBenchStack(async (stack, registry) => {
    const alice = stack.demoUsers[0]!;
    const dsKey = await deliveryServiceKey();
    const parties = Math.ceil(MESSAGES / PER_SENDER);
    const virtualUsers = await optIn(stack, parties);
    const senders = await dm3Senders(stack, registry, parties);
    const mailDomain = stack.info.bridge.mailDomain;

    const toVirtualUser: Dm3Envelope[] = [];
    const toAlice: Dm3Envelope[] = [];
    for (let index = 0; index < MESSAGES; index++) {
      const sender = senders[Math.floor(index / PER_SENDER)]!;
      const user = virtualUsers[Math.floor(index / PER_SENDER)]!;
      const envelope = (to: string, encryptionKey: string) =>
        buildEnvelope({
          message: createDm3Message({ from: sender.name, to, text: `bridge benchmark ${index}`, senderSigningKey: sender.signingKey }),
          to,
          from: sender.name,
          recipientEncryptionKey: encryptionKey,
          deliveryServiceEncryptionKey: dsKey,
          senderSigningKey: sender.signingKey,
        });
      toVirtualUser.push(envelope(user.name, user.encryptionKey));
      toAlice.push(envelope(alice.name, alice.dm3.encryption.publicKey));
    }
    const inbound = Array.from({ length: MESSAGES }, (_, index) => {
      const user = virtualUsers[Math.floor(index / PER_SENDER)]!;
      const to = `${alice.name}@${mailDomain}`;
      const raw = [
        "Authentication-Results: mx.cloudflare.net; dkim=pass header.d=example.com; dmarc=pass header.from=example.com",
        `From: <${user.email}>`,
        `To: <${to}>`,
        "Subject: benchmark",
        `Message-ID: <bench-${index}@example.com>`,
        "Content-Type: text/plain; charset=utf-8",
        "",
        `email benchmark ${index}`,
        "",
      ].join("\r\n");
      return { from: user.email, to, raw };
    });

    const pid = stack.info.pids.worker;
    const health = await measureSeries("reference: GET /health", pid, CONCURRENCY, MESSAGES, async () => {
      const response = await fetch(`${stack.info.gatewayUrl}/health`);
      if (!response.ok) throw new Error(`health ${response.status}`);
    });
    const submit = await measureSeries("reference: submit to a DM3 user", pid, CONCURRENCY, MESSAGES, (index) =>
      submitEnvelope(stack, toAlice[index]!, simulatedClientHeaders(20_000 + Math.floor(index / 50))),
    );
    const dm3ToEmail = await measureSeries("DM3 → email (submit, mail sent)", pid, CONCURRENCY, MESSAGES, (index) =>
      submitEnvelope(stack, toVirtualUser[index]!, simulatedClientHeaders(21_000 + Math.floor(index / 50))),
    );
    const emailToDm3 = await measureSeries("email → DM3 (handler, delivered)", pid, CONCURRENCY, MESSAGES, async (index) => {
      const mail = inbound[index]!;
      const answer = await sendInboundMail(stack.info.gatewayUrl, { from: mail.from, to: mail.to }, mail.raw);
      if (!answer.accepted) throw new Error(`inbound mail rejected: ${answer.text}`);
    });

    console.log(`\nEmail bridge under wrangler dev: ${MESSAGES} messages each way, c=${CONCURRENCY}, ${parties} senders and virtual users`);
    printSeries([health, submit, dm3ToEmail, emailToDm3]);
    // What each direction produced, where it ends: no mail left queued (each was sent in its request), and the inbox.
    const { users } = await registry.bridgeStatus();
    const received = (await drainInbox(stack, alice)).hashes.length;
    console.log(
      `  produced: ${MESSAGES - users.pendingMails} mails sent (${users.pendingMails} queued), ${received - MESSAGES} DM3 messages from email in the recipient's inbox`,
    );
    if (users.pendingMails !== 0 || users.undeliverable !== 0) throw new Error(`mail left behind: ${JSON.stringify(users)}`);
    if (received !== 2 * MESSAGES) throw new Error(`expected ${2 * MESSAGES} messages in the inbox, found ${received}`);
  });
}

type VirtualUser = { email: string; name: string; encryptionKey: string };

/** `count` virtual users, opted in through the API with the codes read from the local mail explorer. */
async function optIn(stack: Stack, count: number): Promise<VirtualUser[]> {
  const anonymous = createRegistryClient({ url: stack.info.gatewayUrl });
  const users: VirtualUser[] = [];
  for (let index = 0; index < count; index++) {
    const email = `bench${index}@example.com`;
    // One simulated client per opt-in: codes are limited per client IP.
    const response = await fetch(`${stack.info.gatewayUrl}/bridge/email/confirmations`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...simulatedClientHeaders(30_000 + index) },
      body: JSON.stringify({ email }),
    });
    if (response.status !== 202) throw new Error(`opt-in of ${email}: ${response.status} ${await response.text()}`);
    const { name } = (await response.json()) as OptInView;
    const codeMail = (await listSentMail(stack.info.gatewayUrl)).find((mail) => mail.to.includes(email));
    const code = /(\d{6})/.exec(codeMail?.subject ?? "")?.[1];
    if (!code) throw new Error(`no code mail for ${email}`);
    await anonymous.confirmBridgeOptIn(name, code);
    const profile = (await anonymous.getName(name)).dm3Profile;
    if (!profile) throw new Error(`${name} has no profile`);
    users.push({ email, name, encryptionKey: profile.profile.publicEncryptionKey });
  }
  return users;
}

/** `count` DM3 users of the demo domain with profiles and keys, to write to the virtual users. */
async function dm3Senders(stack: Stack, registry: RegistryClient, count: number): Promise<{ name: string; signingKey: string }[]> {
  const senders: { name: string; signingKey: string }[] = [];
  for (let index = 0; index < count; index++) {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const { signedUserProfile, keys } = await createDm3Profile(wallet, { deliveryServices: ["ds.demo.eth"] });
    const name = `bridgebench${index}.${stack.info.domain}`;
    await registry.putName(name, { owner: wallet.address, dm3Profile: signedUserProfile });
    senders.push({ name, signingKey: keys.signing.privateKey });
  }
  return senders;
}
