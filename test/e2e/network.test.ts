/**
 * The relay as a member of the DM3 network, end to end on one Hardhat chain: recipients whose
 * profiles live anywhere (fully on chain here, through our dev TextAddrResolver), read by the worker
 * through ENS with viem; sessions with the resolved keys; inboxes keyed by name.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { type Address, createPublicClient, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { decryptEnvelop } from "@dm3-org/dm3-lib-messaging";
import {
  buildEnvelope,
  createDeliveryServiceSession,
  createDm3Message,
  createDm3Profile,
  DeliveryServiceError,
  type Dm3Keys,
  encodeProfileRecord,
  openEnvelope,
  resolveDeliveryService,
  sendDm3Message,
  type EnsReader,
} from "../../sdk/src/index";
import { DM3_PROFILE_TEXT_KEY } from "../../worker/src/protocol/dm3/profile";
import { fundAccount, registerOnChainName, setOnChainText } from "../../scripts/stack/onChainName";
import { findFreePort } from "../../scripts/stack/processes";
import { type Stack, startStack } from "../../scripts/stack/startStack";

const DS = "ds.demo.eth";
/** Short, so that a profile changed on chain reaches the relay within the test. */
const ENS_CACHE_SECONDS = 2;
let stack: Stack;
let stateDir: string;

before(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), "dm3-network-"));
  stack = await startStack({
    rpcPort: await findFreePort(),
    workerPort: await findFreePort(),
    inspectorPort: await findFreePort(),
    stateDir,
    vars: { ENS_CACHE_SECONDS: String(ENS_CACHE_SECONDS) },
  });
});

after(async () => {
  await stack?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const ens = (): EnsReader => ({ client: createPublicClient({ chain: hardhat, transport: http(stack.info.rpcUrl) }), registry: stack.info.ensRegistry });

type OnChainUser = { name: string; address: Address; keys: Dm3Keys };

/** A user whose name, address and DM3 profile live fully on chain (no gateway involved). */
async function onChainUser(name: string, options: { deliveryServices?: string[]; wallet?: ReturnType<typeof privateKeyToAccount> } = {}): Promise<OnChainUser> {
  const wallet = options.wallet ?? privateKeyToAccount(generatePrivateKey());
  const { signedUserProfile, keys } = await createDm3Profile(wallet, { deliveryServices: options.deliveryServices ?? [DS] });
  await registerOnChainName({
    rpcUrl: stack.info.rpcUrl,
    ensRegistry: stack.info.ensRegistry,
    textResolver: stack.info.textResolver,
    name,
    owner: wallet.address,
    texts: { [DM3_PROFILE_TEXT_KEY]: encodeProfileRecord(signedUserProfile) },
  });
  return { name, address: wallet.address, keys };
}

const sender = () => stack.demoUsers[0]!;

/** Builds an envelope for this relay and submits it, whatever the recipient's profile lists. */
async function submitDirectly(to: string, recipientEncryptionKey: string): Promise<Response> {
  const message = createDm3Message({ from: sender().name, to, text: "x", senderSigningKey: sender().dm3.signing.privateKey });
  const ds = await resolveDeliveryService(ens(), DS);
  assert.ok(ds);
  const envelope = buildEnvelope({
    message,
    to,
    from: sender().name,
    recipientEncryptionKey,
    deliveryServiceEncryptionKey: ds.publicEncryptionKey,
    senderSigningKey: sender().dm3.signing.privateKey,
  });
  return fetch(`${stack.info.gatewayUrl}/rpc`, {
    method: "POST",
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "dm3_submitMessage", params: [JSON.stringify(envelope)] }),
  });
}

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
    await registerOnChainName({
      rpcUrl: stack.info.rpcUrl,
      ensRegistry: stack.info.ensRegistry,
      textResolver: stack.info.textResolver,
      name: "forged.eth",
      owner: privateKeyToAccount(generatePrivateKey()).address,
      texts: { [DM3_PROFILE_TEXT_KEY]: encodeProfileRecord(signedUserProfile) },
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
