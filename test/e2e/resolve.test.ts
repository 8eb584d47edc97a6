/**
 * End to end: a real Hardhat chain, our ENS registry and OffchainResolver, the real worker under
 * `wrangler dev` on a local D1, and viem's CCIP-Read client — the path every ENS client takes.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  createPublicClient,
  createWalletClient,
  decodeAbiParameters,
  encodeAbiParameters,
  encodeFunctionData,
  type Hex,
  http,
  toHex,
  zeroAddress,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { namehash, packetToBytes } from "viem/ens";
import { offchainResolverAbi, recordResolverAbi } from "../../worker/src/abi";
import { encodeResolveResponse } from "../../worker/src/ccip/encodeResolveResponse";
import { DM3_PROFILE_RECORD_PREFIX, DM3_PROFILE_TEXT_KEY, type SignedUserProfile, verifySignedUserProfile } from "../../worker/src/dm3/profile";
import { checkUserProfileWithAddress } from "@dm3-org/dm3-lib-profile";
import { resolveRecord } from "../../scripts/lib/resolveName";
import { LOCAL_DEPLOYER_KEY } from "../../scripts/stack/deployContracts";
import { findFreePort } from "../../scripts/stack/processes";
import { type Stack, startStack } from "../../scripts/stack/startStack";

const OWNER_ONLY_ABI = [
  { type: "function", name: "addSigner", stateMutability: "nonpayable", inputs: [{ name: "signer", type: "address" }], outputs: [] },
  { type: "function", name: "removeSigner", stateMutability: "nonpayable", inputs: [{ name: "signer", type: "address" }], outputs: [] },
] as const;

let stack: Stack;
let stateDir: string;

before(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), "dm3-e2e-"));
  stack = await startStack({
    rpcPort: await findFreePort(),
    workerPort: await findFreePort(),
    inspectorPort: await findFreePort(),
    stateDir,
  });
});

after(async () => {
  await stack?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const client = () => createPublicClient({ chain: hardhat, transport: http(stack.info.rpcUrl) });
const alice = () => stack.demoUsers[0]!;

describe("resolution through chain + resolver + gateway", () => {
  it("resolves alice's DM3 profile text record, signed by her wallet", async () => {
    const text = await resolveRecord(client(), stack.info.ensRegistry, alice().name, { kind: "text", key: DM3_PROFILE_TEXT_KEY });
    assert.ok(text.startsWith(DM3_PROFILE_RECORD_PREFIX), text);
    const signed = JSON.parse(text.slice(DM3_PROFILE_RECORD_PREFIX.length)) as SignedUserProfile;
    assert.equal(signed.profile.publicSigningKey, alice().dm3.signing.publicKey);
    assert.equal(signed.profile.publicEncryptionKey, alice().dm3.encryption.publicKey);
    assert.equal(await verifySignedUserProfile(signed, alice().address), true);
    // What dm3's own clients check before they trust a profile:
    assert.equal(checkUserProfileWithAddress(signed, alice().address), true);
    assert.equal(checkUserProfileWithAddress(signed, stack.info.signer), false);
  });

  it("resolves alice's address (addr and addr by coin type 60)", async () => {
    const registry = stack.info.ensRegistry;
    assert.equal(await resolveRecord(client(), registry, alice().name, { kind: "addr" }), alice().address);
    assert.equal(await resolveRecord(client(), registry, alice().name, { kind: "addr", coinType: 60n }), alice().address.toLowerCase());
  });

  it("resolves an unregistered subname (wildcard) to unset records", async () => {
    const registry = stack.info.ensRegistry;
    assert.equal(await resolveRecord(client(), registry, "nobody.demo.eth", { kind: "addr" }), zeroAddress);
    assert.equal(await resolveRecord(client(), registry, "deep.nobody.demo.eth", { kind: "text", key: "url" }), "");
  });

  it("normalizes the name the user typed before resolving", async () => {
    const address = await resolveRecord(client(), stack.info.ensRegistry, alice().name.toUpperCase(), { kind: "addr" });
    assert.equal(address, alice().address);
  });
});

describe("answers the contract must refuse", () => {
  const textCall = () => {
    const innerCall = encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [namehash(alice().name), "url"] });
    return encodeFunctionData({ abi: offchainResolverAbi, functionName: "resolve", args: [toHex(packetToBytes(alice().name)), innerCall] });
  };
  const extraData = (callData: Hex) =>
    encodeAbiParameters([{ type: "bytes" }, { type: "address" }], [callData, stack.info.resolver]);

  it("accepts the worker's real answer and rejects the same answer re-signed by a non-signer", async () => {
    const callData = textCall();
    const response = await fetch(`${stack.info.gatewayUrl}/ccip/${stack.info.resolver}/${callData}.json`);
    const { data } = (await response.json()) as { data: Hex };
    const accepted = await client().readContract({
      address: stack.info.resolver,
      abi: offchainResolverAbi,
      functionName: "resolveWithProof",
      args: [data, extraData(callData)],
    });
    assert.equal(decodeAbiParameters([{ type: "string" }], accepted)[0], "https://dm3.network");

    const [result, expires] = decodeAbiParameters([{ type: "bytes" }, { type: "uint64" }, { type: "bytes" }], data);
    const impostor = privateKeyToAccount(generatePrivateKey());
    const forged = await encodeResolveResponse(impostor, { resolver: stack.info.resolver, expiresSeconds: expires, request: callData, result });
    await assert.rejects(
      client().readContract({ address: stack.info.resolver, abi: offchainResolverAbi, functionName: "resolveWithProof", args: [forged, extraData(callData)] }),
      /OffchainResolverInvalidSigner/,
    );
  });

  it("fails the whole CCIP-Read lookup once the worker's key is no longer a signer", async () => {
    const owner = createWalletClient({ chain: hardhat, transport: http(stack.info.rpcUrl), account: privateKeyToAccount(LOCAL_DEPLOYER_KEY) });
    const replacement = privateKeyToAccount(generatePrivateKey()).address;
    for (const [functionName, signer] of [["addSigner", replacement], ["removeSigner", stack.info.signer]] as const) {
      const hash = await owner.writeContract({ address: stack.info.resolver, abi: OWNER_ONLY_ABI, functionName, args: [signer] });
      await client().waitForTransactionReceipt({ hash });
    }
    await assert.rejects(
      resolveRecord(client(), stack.info.ensRegistry, alice().name, { kind: "addr" }),
      /OffchainResolverInvalidSigner/,
    );
  });
});
