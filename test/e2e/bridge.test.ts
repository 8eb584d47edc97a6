/**
 * The email bridge end to end under `wrangler dev`, which simulates both halves of Cloudflare's
 * email: inbound mail goes to the worker's `email()` handler (`/cdn-cgi/handler/email`) and every
 * mail the worker sends is listed by the local explorer. An address opts in by the mailed code and
 * gets a custodial DM3 identity resolvable through ENS; a DM3 user writes to it with the SDK and one
 * mail comes out; the mail's reply, authenticated by the platform's results, reaches a DM3 user on a
 * second relay and opens with dm3's own libraries; spoofed, unauthenticated and unconfirmed mail is
 * rejected; the one-click unsubscribe deletes the identity for good.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { checkMessageSignature, decryptEnvelop } from "@dm3-org/dm3-lib-messaging";
import { createPublicClient, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import {
  createDeliveryServiceSession,
  createDm3Message,
  createDm3Profile,
  createRegistryClient,
  dm3MessageHash,
  emailBridgeName,
  type BridgeStatusView,
  type EnsReader,
  type RegistryClient,
  RegistryApiError,
  readEnsAddress,
  resolveDm3User,
  sendDm3Message,
  signDetached,
  stringify,
} from "../../sdk/src/index";
import { binPath, projectRoot } from "../../scripts/lib/paths";
import { ensureDevSecrets } from "../../scripts/stack/devVars";
import { listSentMail, type SentMail, sendInboundMail, waitForMail } from "../../scripts/stack/localMail";
import { findFreePort } from "../../scripts/stack/processes";
import { type PeerRelay, startPeerRelay } from "../../scripts/stack/startPeerRelay";
import { type Stack, startStack } from "../../scripts/stack/startStack";

const EMAIL = "Erin.Mail@Example.com";
const NORMALIZED = "erin.mail@example.com";
const PLATFORM = "mx.cloudflare.net";
let stack: Stack;
let stateDir: string;
let peer: PeerRelay;
let admin: RegistryClient;
let anonymous: RegistryClient;
let erin: { name: string; alias: string };

const run = promisify(execFile);
const alice = () => stack.demoUsers[0]!;
/** The admin CLI against this stack, as an operator runs it. */
const cli = async (args: string[]) =>
  run(binPath("tsx"), ["scripts/cli.ts", ...args, "--url", stack.info.gatewayUrl], {
    cwd: projectRoot,
    env: { ...process.env, DM3_ADMIN_TOKEN: (await ensureDevSecrets(stack.info.secretsFile)).adminToken },
  });
const ens = (): EnsReader => ({ client: createPublicClient({ chain: hardhat, transport: http(stack.info.rpcUrl) }), registry: stack.info.ensRegistry });
const mailDomain = () => stack.info.bridge.mailDomain;
const mailsTo = async (address: string) => (await listSentMail(stack.info.gatewayUrl)).filter((mail) => mail.to.includes(address));

/** An inbound mail as a mail client sends it, with the receiving platform's authentication results on top. */
function rawMail(options: { from: string; to: string; text: string; inReplyTo?: string; authentication?: string | null; extraHeaders?: string[] }): string {
  const authentication =
    options.authentication === undefined
      ? `${PLATFORM}; dkim=pass header.d=example.com header.s=k1; spf=pass smtp.mailfrom=example.com; dmarc=pass (p=reject) header.from=example.com`
      : options.authentication;
  return [
    ...(authentication === null ? [] : [`Authentication-Results: ${authentication}`]),
    `From: Erin <${options.from}>`,
    `To: <${options.to}>`,
    "Subject: Re: DM3 message",
    `Message-ID: <${crypto.randomUUID()}@example.com>`,
    ...(options.inReplyTo ? [`In-Reply-To: ${options.inReplyTo}`, `References: ${options.inReplyTo}`] : []),
    ...(options.extraHeaders ?? []),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    options.text,
    "",
  ].join("\r\n");
}

before(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), "dm3-bridge-"));
  stack = await startStack({ rpcPort: await findFreePort(), workerPort: await findFreePort(), inspectorPort: await findFreePort(), stateDir });
  peer = await startPeerRelay({
    rpcUrl: stack.info.rpcUrl,
    ensRegistry: stack.info.ensRegistry,
    domain: "beta.eth",
    dsName: "ds.beta.eth",
    port: await findFreePort(),
    inspectorPort: await findFreePort(),
    stateDir: path.join(stateDir, "peer"),
  });
  admin = createRegistryClient({ url: stack.info.gatewayUrl, credential: (await ensureDevSecrets(stack.info.secretsFile)).adminToken });
  anonymous = createRegistryClient({ url: stack.info.gatewayUrl });
});

after(async () => {
  await peer?.stop();
  await stack?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe("email bridge (wrangler dev's Email Routing and Email Service)", () => {
  it("opt-in: one code mail, a wrong or replayed code creates nothing, the right one a DM3 identity resolvable through ENS", async () => {
    const pending = await anonymous.requestBridgeOptIn(EMAIL, "erin");
    assert.equal(pending.name, emailBridgeName(EMAIL, stack.info.bridge.domain));
    assert.equal(pending.alias, `erin.${stack.info.bridge.domain}`);
    const codeMail = await waitForMail(stack.info.gatewayUrl, { to: NORMALIZED, subject: /^Your DM3 bridge code: \d{6}$/ });
    const code = /(\d{6})/.exec(codeMail.subject)?.[1] ?? "";
    assert.match(codeMail.text ?? "", new RegExp(`/bridge/email/confirm\\?name=${pending.name}&code=${code}`));
    assert.equal(codeMail.headers?.["Auto-Submitted"], "auto-generated");
    // A second request within the minute mails nothing more.
    await assert.rejects(anonymous.requestBridgeOptIn(EMAIL), (error: unknown) => error instanceof RegistryApiError && error.status === 429);
    assert.equal((await mailsTo(NORMALIZED)).length, 1);

    const wrong = code === "000000" ? "000001" : "000000";
    await assert.rejects(
      anonymous.confirmBridgeOptIn(pending.name, wrong),
      (error: unknown) => error instanceof RegistryApiError && error.code === "invalid_code",
    );
    const user = await anonymous.confirmBridgeOptIn(pending.name, code);
    assert.deepEqual([user.name, user.alias, user.status], [pending.name, pending.alias, "active"]);
    await assert.rejects(
      anonymous.confirmBridgeOptIn(pending.name, code),
      (error: unknown) => error instanceof RegistryApiError && error.code === "invalid_code",
    );
    erin = { name: user.name, alias: user.alias as string };

    // Both names resolve on chain (CCIP-Read) to one custodial profile listing this relay.
    const [byName, byAlias] = [await resolveDm3User(ens(), erin.name), await resolveDm3User(ens(), erin.alias)];
    assert.deepEqual(byName?.signedProfile, byAlias?.signedProfile);
    assert.deepEqual(byName?.signedProfile.profile.deliveryServices, ["ds.demo.eth"]);
    // The change feed and the name's page show names, never the address.
    const feed = JSON.stringify(await admin.listChanges({}));
    assert.ok(feed.includes(erin.name));
    assert.ok(!feed.toLowerCase().includes(NORMALIZED));
    const page = await (await fetch(`${stack.info.gatewayUrl}/name/${erin.alias}`)).text();
    assert.ok(!page.toLowerCase().includes(NORMALIZED));
  });

  it("an address that never confirmed has no identity: a DM3 message to its name is refused and nothing is mailed", async () => {
    const stranger = "stranger@example.org";
    const senderSigningKey = alice().dm3.signing.privateKey;
    const message = createDm3Message({ from: alice().name, to: emailBridgeName(stranger, stack.info.bridge.domain), text: "hi?", senderSigningKey });
    await assert.rejects(sendDm3Message({ ens: ens(), message, senderSigningKey }));
    assert.deepEqual(await mailsTo(stranger), []);
  });

  let aliceMail: SentMail & { text?: string };
  let aliceMessageHash: string;

  it("DM3 → email: a message from a DM3 user becomes one mail from <name>@<bridge mail domain>, with its attachment unchanged", async () => {
    const senderSigningKey = alice().dm3.signing.privateKey;
    const armored = "-----BEGIN PGP MESSAGE-----\n\nhQEMA0l2…only Erin's mail client opens this\n-----END PGP MESSAGE-----\n";
    const message = createDm3Message({
      from: alice().name,
      to: erin.alias,
      text: "Hello Erin, this is Alice on DM3.",
      senderSigningKey,
      attachments: [`data:application/pgp-encrypted;name=note.asc;base64,${Buffer.from(armored).toString("base64")}`],
    });
    aliceMessageHash = dm3MessageHash(message);
    assert.deepEqual((await sendDm3Message({ ens: ens(), message, senderSigningKey })).acceptedBy, ["ds.demo.eth"]);

    aliceMail = await waitForMail(stack.info.gatewayUrl, { to: NORMALIZED, subject: /^DM3 message from / });
    const mailbox = `${alice().name}@${mailDomain()}`;
    assert.equal(aliceMail.from, `"${alice().name}" <${mailbox}>`);
    assert.equal(aliceMail.replyTo, mailbox);
    assert.equal(aliceMail.subject, `DM3 message from ${alice().name}`);
    assert.match(aliceMail.text ?? "", /^Hello Erin, this is Alice on DM3\./);
    assert.match(aliceMail.text ?? "", /\/bridge\/email\/manage\?name=/);
    assert.equal(aliceMail.headers?.["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click");
    assert.match(
      aliceMail.headers?.["List-Unsubscribe"] ?? "",
      /^<http:\/\/127\.0\.0\.1:\d+\/bridge\/email\/users\/m[a-z2-7]{52}\.mail\.demo\.eth\/unsubscribe\?token=[\w-]+>$/,
    );
    const listed = (await mailsTo(NORMALIZED)).find((mail) => mail.messageId === aliceMail.messageId);
    assert.deepEqual(
      listed?.attachments?.map(({ filename, contentType, size }) => ({ filename, contentType, size })),
      [{ filename: "note.asc", contentType: "application/pgp-encrypted", size: Buffer.byteLength(armored) }],
    );
  });

  it("the SDK asks the bridge's profile extension first: an EDIT is never sent to an email user", async () => {
    const before = (await mailsTo(NORMALIZED)).length;
    const senderSigningKey = alice().dm3.signing.privateKey;
    const unsigned = {
      message: "edited",
      metadata: { type: "EDIT", to: erin.alias, from: alice().name, timestamp: Date.now(), referenceMessageHash: aliceMessageHash },
    };
    const edit = { ...unsigned, signature: signDetached(senderSigningKey, stringify(unsigned)) };
    await assert.rejects(sendDm3Message({ ens: ens(), message: edit, senderSigningKey }), /does not take EDIT messages there \(dm3_getProfileExtension\)/);
    assert.equal((await mailsTo(NORMALIZED)).length, before);
  });

  it("a message not signed by the sender's profile is refused, and nothing is mailed", async () => {
    const before = (await mailsTo(NORMALIZED)).length;
    const forger = createDm3Message({ from: alice().name, to: erin.name, text: "forged", senderSigningKey: alice().dm3.signing.privateKey });
    const otherKey = (await createDm3Profile(privateKeyToAccount(generatePrivateKey()), { deliveryServices: [] })).keys.signing.privateKey;
    const forged = { ...forger, signature: createDm3Message({ from: alice().name, to: erin.name, text: "forged", senderSigningKey: otherKey }).signature };
    await assert.rejects(sendDm3Message({ ens: ens(), message: forged, senderSigningKey: otherKey }), /not signed by/);
    assert.equal((await mailsTo(NORMALIZED)).length, before);
  });

  it("email → DM3: Erin's mail reaches a user of another relay, signed by her identity, and opens with dm3-lib-messaging", async () => {
    const bea = privateKeyToAccount(generatePrivateKey());
    const { signedUserProfile, keys } = await createDm3Profile(bea, { deliveryServices: [peer.dsName] });
    const beaName = `bea.${peer.domain}`;
    await createRegistryClient({ url: peer.url, credential: peer.adminToken }).putName(beaName, { owner: bea.address, dm3Profile: signedUserProfile });

    const to = `${beaName}@${mailDomain()}`;
    const taken = await sendInboundMail(
      stack.info.gatewayUrl,
      { from: NORMALIZED, to },
      rawMail({ from: EMAIL, to, text: "Hi Bea, Erin here, from my mailbox." }),
    );
    assert.equal(taken.accepted, true, taken.text);

    const inbox = await createDeliveryServiceSession({ url: peer.url, name: beaName, signingKey: keys.signing.privateKey });
    const [envelope] = await inbox.pickUp();
    assert.ok(envelope, "the message reached the other relay");
    const opened = (await decryptEnvelop(envelope as never, keys.encryption)) as unknown as { message: Parameters<typeof checkMessageSignature>[0] };
    assert.match(opened.message.message ?? "", /^Hi Bea, Erin here, from my mailbox\./);
    assert.equal(opened.message.metadata.from, erin.alias);
    assert.equal(opened.message.metadata.to, beaName);
    const erinProfile = await resolveDm3User(ens(), erin.alias);
    assert.equal(await checkMessageSignature(opened.message, erinProfile?.signedProfile.profile.publicSigningKey ?? "", erin.alias), true);
  });

  it("a reply to bridge mail goes back to the DM3 sender as a REPLY to the message it answers", async () => {
    const to = `${alice().name}@${mailDomain()}`;
    const reply = rawMail({ from: EMAIL, to, text: "Thanks Alice!", inReplyTo: aliceMail.messageId });
    assert.equal((await sendInboundMail(stack.info.gatewayUrl, { from: NORMALIZED, to }, reply)).accepted, true);
    const inbox = await createDeliveryServiceSession({ url: stack.info.gatewayUrl, name: alice().name, signingKey: alice().dm3.signing.privateKey });
    const envelopes = await inbox.pickUp();
    const replies = await Promise.all(
      envelopes.map(
        async (envelope) =>
          ((await decryptEnvelop(envelope as never, alice().dm3.encryption)) as unknown as { message: { message: string; metadata: Record<string, unknown> } })
            .message,
      ),
    );
    const answer = replies.find((message) => message.metadata.from === erin.alias);
    assert.ok(answer, "Erin's reply reached Alice");
    assert.match(answer.message, /^Thanks Alice!/);
    assert.equal(answer.metadata.type, "REPLY");
    assert.equal(answer.metadata.referenceMessageHash, aliceMessageHash);
  });

  it("spoofed, unauthenticated, automatic and unconfirmed mail is rejected with the reason", async () => {
    const to = `${alice().name}@${mailDomain()}`;
    const cases: [string, { envelopeFrom: string; raw: string }, RegExp][] = [
      [
        "no authentication results",
        { envelopeFrom: NORMALIZED, raw: rawMail({ from: EMAIL, to, text: "x", authentication: null }) },
        /no authentication results/,
      ],
      [
        "results written by the sender, below nothing from the platform",
        { envelopeFrom: NORMALIZED, raw: rawMail({ from: EMAIL, to, text: "x", authentication: "mail.example.com; dmarc=pass header.from=example.com" }) },
        /not from mx\.cloudflare\.net/,
      ],
      [
        "DMARC failed",
        {
          envelopeFrom: NORMALIZED,
          raw: rawMail({ from: EMAIL, to, text: "x", authentication: `${PLATFORM}; spf=pass smtp.mailfrom=example.com; dmarc=fail header.from=example.com` }),
        },
        /not proven/,
      ],
      [
        "an out-of-office reply",
        { envelopeFrom: NORMALIZED, raw: rawMail({ from: EMAIL, to, text: "x", extraHeaders: ["Auto-Submitted: auto-replied"] }) },
        /automatic/,
      ],
      [
        "an address that never confirmed",
        { envelopeFrom: "mallory@example.com", raw: rawMail({ from: "mallory@example.com", to, text: "x" }) },
        /no confirmed DM3 identity/,
      ],
    ];
    for (const [what, mail, reason] of cases) {
      const answer = await sendInboundMail(stack.info.gatewayUrl, { from: mail.envelopeFrom, to }, mail.raw);
      assert.equal(answer.accepted, false, what);
      assert.match(answer.text, reason, what);
    }
  });

  it("the operator's CLI: status counts users without addresses, and the switch stops the bridge both ways", async () => {
    const status = JSON.parse((await cli(["bridge", "status", "--json"])).stdout) as BridgeStatusView;
    assert.equal(status.enabled, true);
    assert.equal(status.users.active, 1);
    const listed = (await cli(["bridge", "users"])).stdout;
    assert.equal(listed.trim(), `${erin.name} (${erin.alias}) active`);
    assert.ok(!listed.toLowerCase().includes(NORMALIZED));
    assert.match((await cli(["bridge", "disable"])).stdout, /email bridge off/);
    try {
      const to = `${alice().name}@${mailDomain()}`;
      const answer = await sendInboundMail(stack.info.gatewayUrl, { from: NORMALIZED, to }, rawMail({ from: EMAIL, to, text: "while off" }));
      assert.match(answer.text, /switched off/);
      await assert.rejects(
        anonymous.requestBridgeOptIn("new@example.com"),
        (error: unknown) => error instanceof RegistryApiError && error.code === "bridge_off",
      );
    } finally {
      assert.match((await cli(["bridge", "enable"])).stdout, /email bridge on/);
    }
  });

  it("one-click unsubscribe deletes the identity: no more mail, the name is gone, and its profile can never be published again", async () => {
    const profile = (await resolveDm3User(ens(), erin.name))?.signedProfile;
    const custodialOwner = await readEnsAddress(ens(), erin.name);
    assert.ok(profile && custodialOwner);
    const link = /^<(.+)>$/.exec(aliceMail.headers?.["List-Unsubscribe"] ?? "")?.[1] ?? "";
    const unsubscribed = await fetch(link, {
      method: "POST",
      body: "List-Unsubscribe=One-Click",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    assert.equal(unsubscribed.status, 200);
    assert.equal(await resolveDm3User(ens(), erin.name), undefined);
    assert.equal(await resolveDm3User(ens(), erin.alias), undefined);

    const before = (await mailsTo(NORMALIZED)).length;
    const senderSigningKey = alice().dm3.signing.privateKey;
    await assert.rejects(
      sendDm3Message({
        ens: ens(),
        message: createDm3Message({ from: alice().name, to: erin.name, text: "still there?", senderSigningKey }),
        senderSigningKey,
      }),
    );
    const to = `${alice().name}@${mailDomain()}`;
    assert.equal((await sendInboundMail(stack.info.gatewayUrl, { from: NORMALIZED, to }, rawMail({ from: EMAIL, to, text: "after" }))).accepted, false);
    assert.equal((await mailsTo(NORMALIZED)).length, before);
    // Replaying the old profile under the old name is refused (the superseded-profile rule).
    await assert.rejects(
      admin.putName(erin.name, { owner: custodialOwner, dm3Profile: profile }),
      (error: unknown) => error instanceof RegistryApiError && error.code === "superseded_profile",
    );
    // The link does not work twice.
    assert.equal((await fetch(link, { method: "POST", body: "List-Unsubscribe=One-Click" })).status, 404);
  });

  it("the worker's log never shows the address (only wrangler's mail simulator prints envelopes)", async () => {
    const log = (await readFile(path.join(stateDir, "worker.log"), "utf8")).toLowerCase().split("\n");
    assert.ok(log.some((line) => line.includes("/bridge/email/")));
    // The local simulator echoes each mail's envelope (`to:`, `mail from:`, `"from" header:`); Cloudflare does not.
    const simulatorEcho = /^\s*(to:|mail from:|"from" header:)/;
    assert.deepEqual(
      log.filter((line) => line.includes(NORMALIZED) && !simulatorEcho.test(line)),
      [],
    );
  });
});
