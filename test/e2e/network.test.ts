/**
 * The relay as a member of the DM3 network, end to end on one Hardhat chain: recipients whose
 * profiles live anywhere (fully on chain here, through our dev TextAddrResolver), read by the worker
 * through ENS with viem; sessions with the resolved keys; inboxes keyed by name; spam rules checked
 * against the chain with a real OpenZeppelin ERC-20; and two independent relays (two workers, two
 * D1s, two delivery services, two domains) exchanging messages both ways through the outbound queue.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { type Address, createPublicClient, hexToBytes, http, sha256, stringToBytes } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { decryptEnvelop } from "@dm3-org/dm3-lib-messaging";
import {
  type OutboundMessageView,
  type WebhookDelivery,
  createRegistryClient,
  parseWebhookDelivery,
  prepareOutboundMessage,
  SubmitRefusedError,
  submitEnvelope,
  verifyWebhook,
  buildEnvelope,
  createDeliveryServiceSession,
  createDm3Message,
  createDm3Profile,
  generateDm3Keys,
  DeliveryServiceError,
  encodeProfileRecord,
  openEnvelope,
  resolveDeliveryService,
  sendDm3Message,
  type EnsReader,
  readEnsText,
  fetchProfileJson,
  readProfileRecord,
  stringify,
} from "../../sdk/src/index";
import { IpfsResolver, LinkResolver, validateSignedUserProfile } from "@dm3-org/dm3-lib-profile";
import { DM3_PROFILE_TEXT_KEY } from "../../worker/src/protocol/dm3/profile";
import { DM3_DELIVERY_SERVICE_TEXT_KEY } from "../../worker/src/protocol/dm3/deliveryService";
import { parseRelaySettings } from "../../worker/src/settings/relaySettings";
import { ensureDevSecrets } from "../../scripts/stack/devVars";
import { createOnChainDm3User, fundAccount, type OnChainDm3User, registerOnChainName, setOnChainText } from "../../scripts/stack/onChainName";
import { findFreePort } from "../../scripts/stack/processes";
import { type Stack, startStack } from "../../scripts/stack/startStack";
import { type PeerRelay, startPeerRelay } from "../../scripts/stack/startPeerRelay";
import { mintDevToken } from "../../scripts/stack/onChainName";
import { localChain } from "../../scripts/stack/deployContracts";
import { createServer, type Server } from "node:http";

const DS = "ds.demo.eth";
/** Short, so that a profile changed on chain reaches the relay within the test. */
const ENS_CACHE_SECONDS = 2;
let stack: Stack;
let stateDir: string;

/** The stand-in IPFS gateway (a process of its own) serving the files in its directory at /ipfs/<cid>. */
let ipfs: { url: string; dir: string; child: ChildProcess };

/** Starts a plain HTTP gateway process on 127.0.0.1 serving `<dir>/<cid>` at `/ipfs/<cid>`, as a public IPFS gateway would. */
async function startIpfsStandIn(dir: string): Promise<typeof ipfs> {
  const port = await findFreePort();
  const script = `
    const { createServer } = require("node:http");
    const { readFile } = require("node:fs/promises");
    const [dir, port] = process.argv.slice(1);
    createServer(async (request, response) => {
      const cid = /^\\/ipfs\\/([a-z0-9]+)$/.exec(request.url ?? "")?.[1];
      const body = cid && (await readFile(dir + "/" + cid).catch(() => undefined));
      if (!body) return void response.writeHead(404).end();
      response.writeHead(200, { "Content-Type": "application/json" }).end(body);
    }).listen(Number(port), "127.0.0.1", () => console.log("ready"));`;
  const child = spawn(process.execPath, ["-e", script, dir, String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  await once(child.stdout as NonNullable<typeof child.stdout>, "data");
  return { url: `http://127.0.0.1:${port}/ipfs`, dir, child };
}

/** Adds `content` to the stand-in gateway under its CIDv1 (raw codec, SHA-256: what `ipfs add --cid-version 1 --raw-leaves` gives a small file). */
async function addToIpfs(content: string): Promise<string> {
  const digest = hexToBytes(sha256(stringToBytes(content)));
  const cid = `b${base32(new Uint8Array([0x01, 0x55, 0x12, 0x20, ...digest]))}`;
  await writeFile(path.join(ipfs.dir, cid), content);
  return cid;
}

/** RFC 4648 base32, lower case, unpadded (multibase "b"). */
function base32(bytes: Uint8Array): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + alphabet[(value << (5 - bits)) & 31] : out;
}

before(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), "dm3-network-"));
  const ipfsDir = path.join(stateDir, "ipfs");
  await mkdir(ipfsDir);
  ipfs = await startIpfsStandIn(ipfsDir);
  stack = await startStack({
    rpcPort: await findFreePort(),
    workerPort: await findFreePort(),
    inspectorPort: await findFreePort(),
    stateDir,
    vars: { ENS_CACHE_SECONDS: String(ENS_CACHE_SECONDS), PROFILE_IPFS_GATEWAY: ipfs.url },
  });
});

after(async () => {
  await stack?.stop();
  ipfs?.child.kill();
  await rm(stateDir, { recursive: true, force: true });
});

/** Registers `name` fully on chain (the local registry and public text resolver) with `texts`. */
const registerOnChainWithTexts = (name: string, owner: Address, texts: Record<string, string>) =>
  registerOnChainName({ rpcUrl: stack.info.rpcUrl, ensRegistry: stack.info.ensRegistry, textResolver: stack.info.textResolver, name, owner, texts });

const ens = (): EnsReader => ({ client: createPublicClient({ chain: hardhat, transport: http(stack.info.rpcUrl) }), registry: stack.info.ensRegistry });

type OnChainUser = OnChainDm3User;

/** A user whose name, address and DM3 profile live fully on chain (no gateway involved). */
const onChainUser = (name: string, options: { deliveryServices?: string[]; wallet?: ReturnType<typeof privateKeyToAccount> } = {}) =>
  createOnChainDm3User(stack.info, name, { deliveryServices: options.deliveryServices ?? [DS], ...(options.wallet && { wallet: options.wallet }) });

const sender = () => stack.demoUsers[0]!;

type Party = { name: string; signingKey: string };

/** An envelope from `from` to `to`, built for this relay (as a dm3 client builds it), whatever `to`'s profile lists. */
async function envelopeForThisRelay(from: Party, to: string, recipientEncryptionKey: string, text = "x") {
  const ds = await resolveDeliveryService(ens(), DS);
  assert.ok(ds);
  const message = createDm3Message({ from: from.name, to, text, senderSigningKey: from.signingKey });
  const envelope = buildEnvelope({
    message,
    to,
    from: from.name,
    recipientEncryptionKey,
    deliveryServiceEncryptionKey: ds.publicEncryptionKey,
    senderSigningKey: from.signingKey,
  });
  return { url: ds.url, envelope };
}

/** Submits that envelope directly (the raw answer). */
async function submitDirectly(to: string, recipientEncryptionKey: string, from: Party = senderParty(), text = "x"): Promise<Response> {
  const { url, envelope } = await envelopeForThisRelay(from, to, recipientEncryptionKey, text);
  return fetch(`${url}/rpc`, {
    method: "POST",
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "dm3_submitMessage", params: [JSON.stringify(envelope)] }),
  });
}

const senderParty = (): Party => ({ name: sender().name, signingKey: sender().dm3.signing.privateKey });
const partyOf = (user: OnChainUser): Party => ({ name: user.name, signingKey: user.keys.signing.privateKey });

function send(to: string, text: string) {
  const message = createDm3Message({ from: sender().name, to, text, senderSigningKey: sender().dm3.signing.privateKey });
  return sendDm3Message({ ens: ens(), message, senderSigningKey: sender().dm3.signing.privateKey });
}

describe("recipients anywhere", () => {
  it("accepts a message for a name that lives fully on chain and lists this relay; its owner logs in with the on-chain key and reads it", async () => {
    const carol = await onChainUser("carol.eth");
    const result = await send(carol.name, "hello from a gateway user to an on-chain name");
    assert.deepEqual(result.acceptedBy, [DS]);
    const inbox = await createDeliveryServiceSession({ url: stack.info.gatewayUrl, name: carol.name, signingKey: carol.keys.signing.privateKey });
    const [envelope] = await inbox.pickUp();
    assert.ok(envelope);
    assert.equal(openEnvelope(envelope, carol.keys.encryption).message.message, "hello from a gateway user to an on-chain name");
    // dm3's own library opens what we stored, with the keys from the chain.
    const opened = (await decryptEnvelop(envelope as never, carol.keys.encryption)) as unknown as { message: { message: string } };
    assert.equal(opened.message.message, "hello from a gateway user to an on-chain name");
  });

  it("a recipient whose profile record is a dm3Hash URL (dm3's registry specification) receives here; a profile not matching its hash is refused at once", async () => {
    const served = new Map<string, string>();
    const server = createServer((request, response) => {
      const body = served.get((request.url ?? "").split("?")[0] ?? "");
      if (body === undefined) return void response.writeHead(404).end();
      response.writeHead(200, { "Content-Type": "application/json" }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      /** A name fully on chain whose network.dm3.profile is a URL to `document`, with the dm3Hash of `hashed`. */
      const urlUser = async (name: string, tamper: boolean) => {
        const wallet = privateKeyToAccount(generatePrivateKey());
        const { signedUserProfile, keys } = await createDm3Profile(wallet, { deliveryServices: [DS] });
        const document = tamper
          ? { ...signedUserProfile, profile: { ...signedUserProfile.profile, deliveryServices: [DS, "ds.evil.eth"] } }
          : signedUserProfile;
        served.set(`/profiles/${name}`, stringify(document));
        const url = `${base}/profiles/${name}?dm3Hash=${sha256(stringToBytes(stringify(signedUserProfile)))}`;
        await registerOnChainWithTexts(name, wallet.address, { [DM3_PROFILE_TEXT_KEY]: url });
        return { name, keys };
      };
      const erin = await urlUser("erin-url.eth", false);
      // The record on chain resolves to the same profile with the SDK and with dm3-lib-profile's own resolver.
      const record = await readEnsText(ens(), erin.name, DM3_PROFILE_TEXT_KEY);
      const dm3Resolver = LinkResolver(async (uri: string) => (await fetch(uri)).json(), validateSignedUserProfile);
      assert.deepEqual(await readProfileRecord(record), await dm3Resolver.resolveProfile(record));
      const result = await send(erin.name, "to a profile behind a URL");
      assert.deepEqual(result.acceptedBy, [DS]);
      const inbox = await createDeliveryServiceSession({ url: stack.info.gatewayUrl, name: erin.name, signingKey: erin.keys.signing.privateKey });
      const [envelope] = await inbox.pickUp();
      const opened = (await decryptEnvelop(envelope as never, erin.keys.encryption)) as unknown as { message: { message: string } };
      assert.equal(opened.message.message, "to a profile behind a URL");

      const frank = await urlUser("frank-url.eth", true);
      await assert.rejects(dm3Resolver.resolveProfile(await readEnsText(ens(), frank.name, DM3_PROFILE_TEXT_KEY)), /Profile hash check failed/);
      const response = await submitDirectly(frank.name, frank.keys.encryption.publicKey);
      assert.equal(response.status, 422);
      const body = (await response.json()) as { code: string; message: string };
      assert.equal(body.code, "profile_unreadable");
      assert.match(body.message, /does not match its dm3Hash/);
    } finally {
      server.close();
    }
  });

  it("a recipient whose profile record is ipfs:// receives here, read through the operator's IPFS gateway (a stand-in process); dm3-lib-profile's IpfsResolver reads the same profile", async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const { signedUserProfile, keys } = await createDm3Profile(wallet, { deliveryServices: [DS] });
    const cid = await addToIpfs(stringify(signedUserProfile));
    const name = "ipfs-user.eth";
    await registerOnChainWithTexts(name, wallet.address, { [DM3_PROFILE_TEXT_KEY]: `ipfs://${cid}` });
    const record = await readEnsText(ens(), name, DM3_PROFILE_TEXT_KEY);
    // dm3's resolver names its own public gateway: point its fetches at the stand-in instead.
    const dm3Resolver = IpfsResolver(async (uri: string) => (await fetch(uri.replace("https://www.ipfs.io/ipfs", ipfs.url))).json(), validateSignedUserProfile);
    const read = await readProfileRecord(record, { fetchJson: fetchProfileJson, ipfsGateway: ipfs.url });
    assert.deepEqual(read, signedUserProfile);
    assert.deepEqual(await dm3Resolver.resolveProfile(record), read);

    // The relay finds the recipient through the gateway, and the recipient reads the message.
    const response = await submitDirectly(name, keys.encryption.publicKey, senderParty(), "to a profile on IPFS");
    assert.equal(response.status, 200, await response.clone().text());
    const inbox = await createDeliveryServiceSession({ url: stack.info.gatewayUrl, name, signingKey: keys.signing.privateKey });
    const [envelope] = await inbox.pickUp();
    const opened = (await decryptEnvelop(envelope as never, keys.encryption)) as unknown as { message: { message: string } };
    assert.equal(opened.message.message, "to a profile on IPFS");

    // A CID the gateway does not have is a clear, permanent refusal, not a wait.
    const missing = privateKeyToAccount(generatePrivateKey());
    await registerOnChainWithTexts("ipfs-missing.eth", missing.address, { [DM3_PROFILE_TEXT_KEY]: `ipfs://${cid.slice(0, -4)}aaaa` });
    const refused = await submitDirectly("ipfs-missing.eth", keys.encryption.publicKey);
    assert.equal(refused.status, 422);
    const body = (await refused.json()) as { code: string; message: string };
    assert.equal(body.code, "profile_unreadable");
    assert.match(body.message, /HTTP 404/);
  });

  it("refuses a name whose profile lists only other delivery services, and one whose profile its address did not sign", async () => {
    const dave = await onChainUser("dave.eth", { deliveryServices: ["ds.elsewhere.eth"] });
    await assert.rejects(send(dave.name, "x"), /ds\.elsewhere\.eth|no DM3 profile/);
    // Submitted to us directly, the refusal says why.
    const response = await submitDirectly(dave.name, dave.keys.encryption.publicKey);
    assert.equal(response.status, 404);
    const body = (await response.json()) as { code: string; message: string };
    assert.equal(body.code, "unknown_recipient");
    assert.match(body.message, /does not list this delivery service \(ds\.demo\.eth\)/);

    // A profile signed by someone else than the name's address is no profile.
    const mallory = privateKeyToAccount(generatePrivateKey());
    const { signedUserProfile, keys: malloryKeys } = await createDm3Profile(mallory, { deliveryServices: [DS] });
    await registerOnChainWithTexts("forged.eth", privateKeyToAccount(generatePrivateKey()).address, {
      [DM3_PROFILE_TEXT_KEY]: encodeProfileRecord(signedUserProfile),
    });
    await assert.rejects(
      createDeliveryServiceSession({ url: stack.info.gatewayUrl, name: "forged.eth", signingKey: malloryKeys.signing.privateKey }),
      (error: unknown) => error instanceof DeliveryServiceError && error.status === 400,
    );
    assert.equal((await submitDirectly("forged.eth", malloryKeys.encryption.publicKey)).status, 404);
  });

  it("keys inboxes by name: two names of one address have separate inboxes and sessions", async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const work = await onChainUser("erin-work.eth", { wallet });
    const home = await onChainUser("erin-home.eth", { wallet });
    await send(work.name, "for work");
    const homeInbox = await createDeliveryServiceSession({ url: stack.info.gatewayUrl, name: home.name, signingKey: home.keys.signing.privateKey });
    assert.deepEqual(await homeInbox.pickUp(), []);
    const workInbox = await createDeliveryServiceSession({ url: stack.info.gatewayUrl, name: work.name, signingKey: work.keys.signing.privateKey });
    assert.equal((await workInbox.pickUp()).length, 1);
    // A session of one name does not open the other's inbox, although both resolve to one address.
    await assert.rejects(
      createDeliveryServiceSession({ url: stack.info.gatewayUrl, name: work.name, signingKey: home.keys.signing.privateKey }),
      (error: unknown) => error instanceof DeliveryServiceError && error.status === 400,
    );
  });

  it("a profile changed on chain reaches the relay within ENS_CACHE_SECONDS and ends older sessions", async () => {
    const ownerKey = generatePrivateKey();
    const wallet = privateKeyToAccount(ownerKey);
    const frank = await onChainUser("frank.eth", { wallet });
    const inbox = await createDeliveryServiceSession({ url: stack.info.gatewayUrl, name: frank.name, signingKey: frank.keys.signing.privateKey });
    assert.deepEqual(await inbox.pickUp(), []);
    // Frank publishes new keys, with a delivery service elsewhere.
    const { signedUserProfile } = await createDm3Profile(wallet, { deliveryServices: ["ds.elsewhere.eth"] });
    await fundAccount({ rpcUrl: stack.info.rpcUrl, to: wallet.address, value: 10n ** 18n });
    const value = encodeProfileRecord(signedUserProfile);
    await setOnChainText({ rpcUrl: stack.info.rpcUrl, textResolver: stack.info.textResolver, name: frank.name, ownerKey, key: DM3_PROFILE_TEXT_KEY, value });
    await new Promise((resolve) => setTimeout(resolve, ENS_CACHE_SECONDS * 1000 + 500));
    await assert.rejects(inbox.pickUp(), (error: unknown) => error instanceof DeliveryServiceError && error.status === 401);
    const refusal = await submitDirectly(frank.name, signedUserProfile.profile.publicEncryptionKey);
    assert.equal(refusal.status, 404);
  });
});

describe("spam rules, checked against the chain", () => {
  it("refuses a sender below each threshold with dm3's -32010 and accepts one above", async () => {
    const recipient = await onChainUser("picky.eth");
    // Poor: a fresh wallet (no transactions, no ETH, no tokens). Rich: sent a transaction, holds ETH and tokens.
    const poor = await onChainUser("poor.eth");
    const richKey = generatePrivateKey();
    const rich = await onChainUser("rich.eth", { wallet: privateKeyToAccount(richKey) });
    await fundAccount({ rpcUrl: stack.info.rpcUrl, to: rich.address, value: 10n ** 18n });
    const { connectChain } = await import("../../scripts/lib/chain");
    const richChain = await connectChain({ rpcUrl: stack.info.rpcUrl, privateKey: richKey });
    await richChain.publicClient.waitForTransactionReceipt({ hash: await richChain.wallet.sendTransaction({ to: poor.address, value: 1n }) });
    await mintDevToken({ rpcUrl: stack.info.rpcUrl, devToken: stack.info.devToken, to: rich.address, amount: 100n });

    const inbox = await createDeliveryServiceSession({ url: stack.info.gatewayUrl, name: recipient.name, signingKey: recipient.keys.signing.privateKey });
    const sendAs = (from: OnChainUser, text: string) =>
      sendDm3Message({
        ens: ens(),
        message: createDm3Message({ from: from.name, to: recipient.name, text, senderSigningKey: from.keys.signing.privateKey }),
        senderSigningKey: from.keys.signing.privateKey,
      });
    const rules = [
      { minNonce: 1 },
      { minBalance: (10n ** 17n).toString() },
      { minTokenBalance: { address: stack.info.devToken, amount: "50" } },
      // A token address that is not a contract: balanceOf fails, which counts as 0 (dm3's rule).
      { minTokenBalance: { address: poor.address, amount: "1" } },
    ];
    for (const [index, rule] of rules.entries()) {
      const view = await inbox.setSpamRules(rule);
      assert.deepEqual(Object.keys(view.effective), Object.keys(rule));
      const refusal = await submitDirectly(recipient.name, recipient.keys.encryption.publicKey, partyOf(poor), `poor ${index}`);
      assert.equal(refusal.status, 403, `rule ${JSON.stringify(rule)}`);
      const body = (await refusal.json()) as { error: { code: number; message: string }; code: string };
      assert.equal(body.error.code, -32010);
      assert.equal(body.code, "spam");
      assert.match(body.error.message, /Refused by picky\.eth's spam rules/);
      if (index < 3) assert.deepEqual((await sendAs(rich, `rich ${index}`)).acceptedBy, [DS]);
      else await assert.rejects(sendAs(rich, "rich 3"), /-32010|spam rules/);
    }
    // The SDK's sender sees the refusal with dm3's code.
    await inbox.setSpamRules({ minNonce: 1 });
    await assert.rejects(
      envelopeForThisRelay(partyOf(poor), recipient.name, recipient.keys.encryption.publicKey).then(({ url, envelope }) => submitEnvelope({ url, envelope })),
      (error: unknown) => error instanceof SubmitRefusedError && error.jsonRpcCode === -32010 && error.permanent,
    );
    await inbox.setSpamRules({});
    assert.deepEqual((await sendAs(poor, "no rules, no refusal")).acceptedBy, [DS]);
    const texts = (await inbox.pickUp()).map((envelope) => openEnvelope(envelope, recipient.keys.encryption).message.message).sort();
    assert.deepEqual(texts, ["no rules, no refusal", "rich 0", "rich 1", "rich 2"]);
  });
});

/** The webhook of A's gateway-mode domain: every verified event, in arrival order. */
type Webhook = {
  server: Server;
  events: WebhookDelivery[];
  secret: string;
  next: (match: (event: WebhookDelivery) => boolean, timeoutMs?: number) => Promise<WebhookDelivery>;
};

async function startWebhook(): Promise<Omit<Webhook, "secret"> & { setSecret: (secret: string) => void }> {
  const events: WebhookDelivery[] = [];
  let secret = "";
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const check = await verifyWebhook({
      secret,
      body,
      signature: request.headers["x-dm3-signature"] as string,
      timestamp: request.headers["x-dm3-timestamp"] as string,
    });
    if (!check.valid) {
      response.writeHead(401).end();
      return;
    }
    events.push(parseWebhookDelivery(body));
    response.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const next = async (match: (event: WebhookDelivery) => boolean, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching webhook event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.type))}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  return { server, events, next, setSecret: (value) => (secret = value) };
}

describe("foreign CCIP-Read gateways, under the outside policy", () => {
  /** A plain HTTP server on 127.0.0.1 answering every request with `answer`, counting requests. */
  async function gatewayServer(answer: (response: import("node:http").ServerResponse) => void) {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests++;
      answer(response);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, requests: () => requests, close: () => server.close() };
  }

  /** Deploys an OffchainResolver whose OffchainLookup names `urls` and makes it the resolver of `domain`. */
  async function foreignDomain(domain: string, urls: string[]): Promise<void> {
    const chain = await localChain(stack.info.rpcUrl);
    await chain.assignResolver(stack.info.ensRegistry, domain, await chain.deployResolver(urls, stack.info.signer));
  }

  /** A message to `name` submitted here: a clean JSON-RPC refusal naming the recipient as unknown, never an outage. */
  async function assertUnknownRecipient(name: string): Promise<void> {
    const response = await submitDirectly(name, generateDm3Keys().encryption.publicKey);
    const body = (await response.json()) as { code: string; message: string; error?: { code: number } };
    assert.equal(response.status, 404, JSON.stringify(body));
    assert.equal(body.code, "unknown_recipient");
    assert.equal(typeof body.error?.code, "number");
  }

  it("refuses a gateway on a metadata address, one that redirects and one that answers 10 MB — each name is unknown, with a clear JSON-RPC error", async () => {
    // Redirects to our own gateway, which would answer correctly: the redirect alone is refused.
    const redirecting = await gatewayServer((response) => response.writeHead(302, { Location: `${stack.info.gatewayUrl}/ccip` }).end());
    const huge = await gatewayServer((response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(`{"data":"0x${"00".repeat(5 * 1024 * 1024)}"}`);
    });
    try {
      await foreignDomain("metadata-gateway.eth", ["http://169.254.169.254/latest/{sender}/{data}.json"]);
      await foreignDomain("redirecting-gateway.eth", [`${redirecting.url}/{sender}/{data}.json`]);
      await foreignDomain("huge-gateway.eth", [`${huge.url}/{sender}/{data}.json`]);
      await assertUnknownRecipient("bob.metadata-gateway.eth");
      await assertUnknownRecipient("bob.redirecting-gateway.eth");
      await assertUnknownRecipient("bob.huge-gateway.eth");
      assert.ok(redirecting.requests() > 0 && huge.requests() > 0, "the allowed targets were asked (and their answers refused)");
    } finally {
      redirecting.close();
      huge.close();
    }
  });
});

describe("two relays, one network", () => {
  let peer: PeerRelay;
  let webhook: Webhook;

  before(async () => {
    peer = await startPeerRelay({
      rpcUrl: stack.info.rpcUrl,
      ensRegistry: stack.info.ensRegistry,
      domain: "beta.eth",
      dsName: "ds.beta.eth",
      port: await findFreePort(),
      inspectorPort: await findFreePort(),
      stateDir: path.join(stateDir, "peer"),
    });
    const hook = await startWebhook();
    const { adminToken } = await (await import("../../scripts/stack/devVars")).ensureDevSecrets(stack.info.secretsFile);
    const { secret } = await createRegistryClient({ url: stack.info.gatewayUrl, credential: adminToken }).setWebhook(
      stack.info.domain,
      `http://127.0.0.1:${(hook.server.address() as { port: number }).port}/dm3`,
    );
    hook.setSecret(secret);
    webhook = { ...hook, secret };
  });

  after(async () => {
    await peer?.stop();
    webhook?.server.close();
  });

  const adminOfA = async () => {
    const { adminToken } = await (await import("../../scripts/stack/devVars")).ensureDevSecrets(stack.info.secretsFile);
    return createRegistryClient({ url: stack.info.gatewayUrl, credential: adminToken });
  };

  /** A user of B: registered at B with a profile listing B's delivery service. */
  async function userOfB(label: string) {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const { signedUserProfile, keys } = await createDm3Profile(wallet, { deliveryServices: [peer.dsName] });
    const name = `${label}.${peer.domain}`;
    await createRegistryClient({ url: peer.url, credential: peer.adminToken }).putName(name, { owner: wallet.address, dm3Profile: signedUserProfile });
    return { name, address: wallet.address, keys };
  }

  /** Alice's client (a user of A's domain, gateway mode) builds a message for `to` (resolving its delivery services). */
  async function prepareFromA(to: string, text: string) {
    const message = createDm3Message({ from: sender().name, to, text, senderSigningKey: sender().dm3.signing.privateKey });
    return prepareOutboundMessage({ ens: ens(), message, senderSigningKey: sender().dm3.signing.privateKey });
  }

  /** The service hands a prepared message to A's outbound route. */
  async function handToA(outbound: Awaited<ReturnType<typeof prepareFromA>>, maxAgeSeconds?: number): Promise<OutboundMessageView> {
    const { item, created } = await (await adminOfA()).sendOutbound(stack.info.domain, { ...outbound, ...(maxAgeSeconds && { maxAgeSeconds }) });
    assert.equal(created, true);
    return item;
  }

  const sendFromA = async (to: string, text: string) => handToA(await prepareFromA(to, text));

  it("resolves a name behind a well-behaved foreign gateway (B's, through the outside policy) and takes its message", async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const { signedUserProfile, keys } = await createDm3Profile(wallet, { deliveryServices: [DS] });
    const name = `carol.${peer.domain}`;
    await createRegistryClient({ url: peer.url, credential: peer.adminToken }).putName(name, { owner: wallet.address, dm3Profile: signedUserProfile });
    const response = await submitDirectly(name, keys.encryption.publicKey);
    assert.equal(response.status, 200, await response.clone().text());
  });

  const reported = (id: string, type: "delivered" | "failed") => (event: WebhookDelivery) => event.type === type && event.outbound.id === id;

  it("A's user reaches B's user through A's outbound queue; B's user reads it with dm3-lib-messaging and answers to A's webhook", async () => {
    const bea = await userOfB("bea");
    const item = await sendFromA(bea.name, "hello B, from A's gateway user");
    assert.deepEqual(item.deliveryServices, [peer.dsName]);
    const report = await webhook.next(reported(item.id, "delivered"));
    assert.equal(report.type === "delivered" && report.outbound.deliveredBy, peer.dsName);
    assert.equal((await (await adminOfA()).getOutbound(stack.info.domain, item.id)).status, "delivered");

    const inbox = await createDeliveryServiceSession({ url: peer.url, name: bea.name, signingKey: bea.keys.signing.privateKey });
    const [envelope] = await inbox.pickUp();
    assert.ok(envelope);
    const opened = (await decryptEnvelop(envelope as never, bea.keys.encryption)) as unknown as { message: { message: string; metadata: { from: string } } };
    assert.equal(opened.message.message, "hello B, from A's gateway user");
    assert.equal(opened.message.metadata.from, sender().name);

    // The answer, sent with the SDK the way any dm3 client sends: it reaches A's webhook.
    const reply = createDm3Message({ from: bea.name, to: sender().name, text: "hello A, from B", senderSigningKey: bea.keys.signing.privateKey });
    assert.deepEqual((await sendDm3Message({ ens: ens(), message: reply, senderSigningKey: bea.keys.signing.privateKey })).acceptedBy, [DS]);
    const delivered = await webhook.next((event) => event.type === "message" && event.envelope.metadata.deliveryInformation.from === bea.name);
    assert.equal(delivered.type === "message" && openEnvelope(delivered.envelope, sender().dm3.encryption).message.message, "hello A, from B");
  });

  it("with B stopped, A's message waits and arrives once B is back; with a short maximum age it is reported failed", async () => {
    const ben = await userOfB("ben");
    // Ben's client-side data is resolved while B is up; then B goes away.
    const [first, second] = [await prepareFromA(ben.name, "sent while B was down"), await prepareFromA(ben.name, "gives up quickly")];
    await peer.stop();
    try {
      const waiting = await handToA(first);
      const expiring = await handToA(second, 3);
      await webhook.next(reported(expiring.id, "failed"), 30_000);
      const failed = await (await adminOfA()).getOutbound(stack.info.domain, expiring.id);
      assert.equal(failed.status, "failed");
      assert.match(failed.lastError ?? "", /^not delivered within its maximum age/);
      const pending = await (await adminOfA()).getOutbound(stack.info.domain, waiting.id);
      assert.equal(pending.status, "pending");
      assert.ok(pending.attempts >= 1 && pending.lastError, JSON.stringify(pending));
      assert.deepEqual(
        (await (await adminOfA()).listOutbound(stack.info.domain, { status: "pending" })).items.map((row) => row.id),
        [waiting.id],
      );
    } finally {
      await peer.restart();
    }
    const waitingId = (await (await adminOfA()).listOutbound(stack.info.domain, { limit: 10 })).items.find(
      (row) => row.recipient === ben.name && row.status !== "failed",
    )?.id;
    assert.ok(waitingId);
    await webhook.next(reported(waitingId, "delivered"), 60_000);
    const inbox = await createDeliveryServiceSession({ url: peer.url, name: ben.name, signingKey: ben.keys.signing.privateKey });
    const texts = (await inbox.pickUp()).map((envelope) => openEnvelope(envelope, ben.keys.encryption).message.message);
    assert.deepEqual(texts, ["sent while B was down"]);
  });

  it("a recipient whose delivery service's profile record is a dm3Hash URL receives A's message through A's outbound queue", async () => {
    // A third relay whose DS name lives on chain, its profile published as a URL with its dm3Hash.
    const dsName = "dsurl.eth";
    const relayDir = path.join(stateDir, "url-relay");
    const relay = await startPeerRelay({
      rpcUrl: stack.info.rpcUrl,
      ensRegistry: stack.info.ensRegistry,
      domain: "gamma.eth",
      dsName,
      port: await findFreePort(),
      inspectorPort: await findFreePort(),
      stateDir: relayDir,
    });
    const documents = createServer((_request, response) => void response.writeHead(200, { "Content-Type": "application/json" }).end(served));
    let served = "";
    try {
      const secrets = await ensureDevSecrets(path.join(relayDir, "worker", ".dev.vars"));
      const unset = {
        messageTtlDays: "",
        foreignMessageTtlDays: "",
        foreignQuotaMessages: "",
        foreignQuotaBytes: "",
        sizeLimitBytes: "",
        outboundMaxAgeSeconds: "",
      };
      const keys = parseRelaySettings({ dsName, dsUrl: relay.url, signingKey: secrets.dsSigningKey, encryptionKey: secrets.dsEncryptionKey, ...unset });
      const profile = { publicEncryptionKey: keys.encryption.publicKey, publicSigningKey: keys.signing.publicKey, url: relay.url };
      served = stringify(profile);
      await new Promise<void>((resolve) => documents.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(documents.address() as { port: number }).port}/ds.json?dm3Hash=${sha256(stringToBytes(served))}`;
      await registerOnChainWithTexts(dsName, privateKeyToAccount(generatePrivateKey()).address, { [DM3_DELIVERY_SERVICE_TEXT_KEY]: url });
      assert.deepEqual(await resolveDeliveryService(ens(), dsName), profile);

      const gina = await onChainUser("gina.eth", { deliveryServices: [dsName] });
      const item = await sendFromA(gina.name, "to a delivery service behind a URL");
      assert.deepEqual(item.deliveryServices, [dsName]);
      await webhook.next(reported(item.id, "delivered"));
      const inbox = await createDeliveryServiceSession({ url: relay.url, name: gina.name, signingKey: gina.keys.signing.privateKey });
      const [envelope] = await inbox.pickUp();
      assert.ok(envelope);
      assert.equal(openEnvelope(envelope, gina.keys.encryption).message.message, "to a delivery service behind a URL");
    } finally {
      documents.close();
      await relay.stop();
    }
  });

  it("a third recipient, fully on chain and listing B, receives A's message at B", async () => {
    const dora = await onChainUser("dora.eth", { deliveryServices: [peer.dsName] });
    const item = await sendFromA(dora.name, "to a name that lives on chain");
    await webhook.next(reported(item.id, "delivered"));
    const inbox = await createDeliveryServiceSession({ url: peer.url, name: dora.name, signingKey: dora.keys.signing.privateKey });
    const [envelope] = await inbox.pickUp();
    assert.ok(envelope);
    assert.equal(openEnvelope(envelope, dora.keys.encryption).message.message, "to a name that lives on chain");
  });
});
