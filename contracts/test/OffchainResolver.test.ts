import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import {
  createPublicClient,
  custom,
  decodeAbiParameters,
  decodeErrorResult,
  encodeAbiParameters,
  encodeFunctionData,
  getAddress,
  type Hex,
  keccak256,
  toHex,
  zeroAddress,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { namehash, packetToBytes } from "viem/ens";
import { EXTENDED_RESOLVER_INTERFACE_ID, FEATURES_INTERFACE_ID, offchainResolverAbi, RESOLVE_MULTICALL_FEATURE, recordResolverAbi } from "../../worker/src/abi";
import { encodeResolveResponse } from "../../worker/src/protocol/ccip/encodeResolveResponse";
import { signatureHash } from "../../worker/src/protocol/ccip/signatureHash";

// Loopback URLs: nothing in these tests may reach out, even by mistake.
const URLS = ["http://127.0.0.1:9/ccip/{sender}/{data}.json", "http://127.0.0.1:9/ccip"];
const signer = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());

const { viem, networkHelpers, provider } = await network.create();
// No automatic CCIP-Read: these tests inspect the OffchainLookup revert itself.
const publicClient = createPublicClient({ transport: custom(provider), ccipRead: false });
const [ownerWallet, otherWallet] = await viem.getWalletClients();

async function deployResolver() {
  const resolver = await viem.deployContract("OffchainResolver", [ownerWallet!.account.address, URLS, [signer.address]]);
  return { resolver };
}

const name = "alice.demo.eth";
const dnsName = toHex(packetToBytes(name));
const innerCall = encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [namehash(name), "email"] });
const callData = encodeFunctionData({
  abi: offchainResolverAbi,
  functionName: "resolve",
  args: [dnsName, innerCall],
});
const result = encodeAbiParameters([{ type: "string" }], ["alice@example.org"]);
const ANSWER_TYPES = [{ type: "bytes" }, { type: "uint64" }, { type: "bytes" }] as const;
const decodeAnswer = (response: Hex) => decodeAbiParameters(ANSWER_TYPES, response);

async function latestTimestamp(): Promise<bigint> {
  return BigInt(await networkHelpers.time.latest());
}

/** The OffchainLookup error a `resolve()` call reverts with, decoded. */
async function offchainLookup(resolver: { address: Hex }) {
  try {
    await publicClient.call({
      to: resolver.address,
      data: encodeFunctionData({ abi: offchainResolverAbi, functionName: "resolve", args: [dnsName, innerCall] }),
    });
  } catch (error) {
    return decodeErrorResult({ abi: offchainResolverAbi, data: findRevertData(error) });
  }
  assert.fail("resolve() did not revert");
}

function findRevertData(error: unknown): Hex {
  for (let current = error as { data?: unknown; cause?: unknown } | undefined; current; current = current.cause as typeof current) {
    if (typeof current.data === "string" && current.data.startsWith("0x")) return current.data as Hex;
    if (typeof current.data === "object" && current.data && "data" in current.data) return (current.data as { data: Hex }).data;
  }
  throw error;
}

describe("OffchainResolver", () => {
  describe("resolve (ENSIP-10 + EIP-3668)", () => {
    it("reverts with OffchainLookup carrying the exact fields", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      const decoded = await offchainLookup(resolver);
      assert.equal(decoded.errorName, "OffchainLookup");
      const [sender, urls, lookupCallData, callback, extraData] = decoded.args;
      assert.equal(sender, getAddress(resolver.address));
      assert.deepEqual(urls, URLS);
      assert.equal(lookupCallData, callData);
      const resolveWithProofSelector = keccak256(toHex("resolveWithProof(bytes,bytes)")).slice(0, 10);
      assert.equal(callback, resolveWithProofSelector);
      assert.equal(extraData, encodeAbiParameters([{ type: "bytes" }, { type: "address" }], [callData, resolver.address]));
    });
  });

  describe("resolveWithProof", () => {
    async function answer(resolverAddress: Hex, overrides: Partial<{ expires: bigint; result: Hex; request: Hex; account: typeof signer }> = {}) {
      const expires = overrides.expires ?? (await latestTimestamp()) + 300n;
      return encodeResolveResponse(overrides.account ?? signer, {
        resolver: resolverAddress,
        expiresSeconds: expires,
        request: overrides.request ?? callData,
        result: overrides.result ?? result,
      });
    }
    const extraDataFor = (address: Hex) => encodeAbiParameters([{ type: "bytes" }, { type: "address" }], [callData, address]);

    it("returns the result of an answer signed by a signer", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      const response = await answer(resolver.address);
      assert.equal(await resolver.read.resolveWithProof([response, extraDataFor(resolver.address)]), result);
    });

    it("accepts an answer that expires in this very block", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      const now = await latestTimestamp();
      const response = await answer(resolver.address, { expires: now });
      assert.equal(await resolver.read.resolveWithProof([response, extraDataFor(resolver.address)]), result);
    });

    it("reverts for an answer signed by a non-signer, naming it", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      const response = await answer(resolver.address, { account: stranger });
      await viem.assertions.revertWithCustomErrorWithArgs(
        resolver.read.resolveWithProof([response, extraDataFor(resolver.address)]),
        resolver,
        "OffchainResolverInvalidSigner",
        [stranger.address],
      );
    });

    it("reverts for an expired answer", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      const expires = (await latestTimestamp()) - 1n;
      const response = await answer(resolver.address, { expires });
      await viem.assertions.revertWithCustomErrorWithArgs(
        resolver.read.resolveWithProof([response, extraDataFor(resolver.address)]),
        resolver,
        "OffchainResolverExpiredResponse",
        [expires],
      );
    });

    it("reverts when the answer expires before the block that checks it", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      const response = await answer(resolver.address, { expires: (await latestTimestamp()) + 60n });
      await networkHelpers.time.increase(61);
      await viem.assertions.revertWithCustomError(
        resolver.read.resolveWithProof([response, extraDataFor(resolver.address)]),
        resolver,
        "OffchainResolverExpiredResponse",
      );
    });

    it("reverts for a tampered result (signature recovers another address)", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      const response = await answer(resolver.address);
      const [, expires, sig] = decodeAnswer(response);
      const forged = encodeAbiParameters(ANSWER_TYPES, [encodeAbiParameters([{ type: "string" }], ["mallory@example.org"]), expires, sig]);
      await viem.assertions.revertWithCustomError(
        resolver.read.resolveWithProof([forged, extraDataFor(resolver.address)]),
        resolver,
        "OffchainResolverInvalidSigner",
      );
    });

    it("reverts for an answer to another request", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      const otherRequest = encodeFunctionData({
        abi: offchainResolverAbi,
        functionName: "resolve",
        args: [toHex(packetToBytes("bob.demo.eth")), innerCall],
      });
      const response = await answer(resolver.address, { request: otherRequest });
      await viem.assertions.revertWithCustomError(
        resolver.read.resolveWithProof([response, extraDataFor(resolver.address)]),
        resolver,
        "OffchainResolverInvalidSigner",
      );
    });

    it("reverts when extraData names another resolver, even with a valid signature for it", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      const other = getAddress("0x00000000000000000000000000000000deadbeef");
      const response = await answer(other);
      await viem.assertions.revertWithCustomErrorWithArgs(
        resolver.read.resolveWithProof([response, extraDataFor(other)]),
        resolver,
        "OffchainResolverWrongResolver",
        [other],
      );
    });

    it("reverts for an answer signed for another resolver", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      const response = await answer(getAddress("0x00000000000000000000000000000000deadbeef"));
      await viem.assertions.revertWithCustomError(
        resolver.read.resolveWithProof([response, extraDataFor(resolver.address)]),
        resolver,
        "OffchainResolverInvalidSigner",
      );
    });

    it("reverts for a 64-byte (EIP-2098) or garbage signature", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      const [res, expires, sig] = decodeAnswer(await answer(resolver.address));
      for (const badSig of [sig.slice(0, 2 + 64 * 2) as Hex, "0x1234" as Hex]) {
        await viem.assertions.revertWithCustomError(
          resolver.read.resolveWithProof([encodeAbiParameters(ANSWER_TYPES, [res, expires, badSig]), extraDataFor(resolver.address)]),
          resolver,
          "OffchainResolverInvalidSignature",
        );
      }
    });
  });

  describe("signature hash", () => {
    it("is the same in Solidity and in the worker", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      for (const [expires, request, res] of [
        [0n, "0x", "0x"],
        [1_700_000_300n, callData, result],
        [2n ** 64n - 1n, "0xff", `0x${"ab".repeat(300)}`],
      ] as const) {
        const solidity = await resolver.read.makeSignatureHash([resolver.address, expires, request, res]);
        assert.equal(solidity, signatureHash({ resolver: resolver.address, expiresSeconds: expires, request, result: res }));
      }
    });
  });

  describe("administration", () => {
    it("lets the owner replace the URL list, with an event", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      const next = ["https://new.example/{sender}/{data}.json"];
      await viem.assertions.emitWithArgs(resolver.write.setUrls([next]), resolver, "UrlsChanged", [next]);
      assert.deepEqual(await resolver.read.urls(), next);
    });

    it("refuses an empty URL list", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      await viem.assertions.revertWithCustomError(resolver.write.setUrls([[]]), resolver, "OffchainResolverNoUrls");
    });

    it("refuses URL and signer changes from anyone but the owner", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      const account = otherWallet!.account;
      for (const write of [
        resolver.write.setUrls([["https://evil.example"]], { account }),
        resolver.write.addSigner([stranger.address], { account }),
        resolver.write.removeSigner([signer.address], { account }),
      ]) {
        await viem.assertions.revertWithCustomErrorWithArgs(write, resolver, "OwnableUnauthorizedAccount", [getAddress(account.address)]);
      }
      assert.deepEqual(await resolver.read.urls(), URLS);
      assert.equal(await resolver.read.isSigner([stranger.address]), false);
    });

    it("rotates signers with overlap: both valid while both are set, then only the new one", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      const next = privateKeyToAccount(generatePrivateKey());
      const expires = (await latestTimestamp()) + 300n;
      const sign = (account: typeof signer) =>
        encodeResolveResponse(account, { resolver: resolver.address, expiresSeconds: expires, request: callData, result });
      const extraData = encodeAbiParameters([{ type: "bytes" }, { type: "address" }], [callData, resolver.address]);

      await viem.assertions.emitWithArgs(resolver.write.addSigner([next.address]), resolver, "SignerAdded", [next.address]);
      assert.equal(await resolver.read.resolveWithProof([await sign(signer), extraData]), result);
      assert.equal(await resolver.read.resolveWithProof([await sign(next), extraData]), result);
      assert.deepEqual(await resolver.read.signers(), [signer.address, next.address]);

      await viem.assertions.emitWithArgs(resolver.write.removeSigner([signer.address]), resolver, "SignerRemoved", [signer.address]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        resolver.read.resolveWithProof([await sign(signer), extraData]),
        resolver,
        "OffchainResolverInvalidSigner",
        [signer.address],
      );
      assert.equal(await resolver.read.resolveWithProof([await sign(next), extraData]), result);
    });

    it("refuses to add the zero address or a signer twice, or remove a non-signer", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      await viem.assertions.revertWithCustomErrorWithArgs(resolver.write.addSigner([zeroAddress]), resolver, "OffchainResolverSignerUnchanged", [zeroAddress]);
      await viem.assertions.revertWithCustomErrorWithArgs(resolver.write.addSigner([signer.address]), resolver, "OffchainResolverSignerUnchanged", [
        signer.address,
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(resolver.write.removeSigner([stranger.address]), resolver, "OffchainResolverSignerUnchanged", [
        stranger.address,
      ]);
    });

    it("transfers ownership in two steps", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      const nextOwner = getAddress(otherWallet!.account.address);
      await viem.assertions.emitWithArgs(resolver.write.transferOwnership([nextOwner]), resolver, "OwnershipTransferStarted", [
        getAddress(ownerWallet!.account.address),
        nextOwner,
      ]);
      assert.equal(await resolver.read.owner(), getAddress(ownerWallet!.account.address));
      await resolver.write.acceptOwnership({ account: otherWallet!.account });
      assert.equal(await resolver.read.owner(), nextOwner);
    });
  });

  describe("ERC-165 and ERC-7996", () => {
    it("advertises the multicall feature only once the owner turns it on", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      assert.equal(await resolver.read.supportsFeature([RESOLVE_MULTICALL_FEATURE]), false);
      assert.equal(await resolver.read.RESOLVE_MULTICALL(), RESOLVE_MULTICALL_FEATURE);
      await viem.assertions.emitWithArgs(resolver.write.setMulticallFeature([true]), resolver, "MulticallFeatureSet", [true]);
      assert.equal(await resolver.read.supportsFeature([RESOLVE_MULTICALL_FEATURE]), true);
      assert.equal(await resolver.read.supportsFeature(["0x86fb8da8"]), false);
      await viem.assertions.revertWithCustomErrorWithArgs(
        resolver.write.setMulticallFeature([false], { account: otherWallet!.account }),
        resolver,
        "OwnableUnauthorizedAccount",
        [getAddress(otherWallet!.account.address)],
      );
    });

    it("supports IExtendedResolver, ERC-7996 and ERC-165, nothing else", async () => {
      const { resolver } = await networkHelpers.loadFixture(deployResolver);
      assert.equal(await resolver.read.supportsInterface([EXTENDED_RESOLVER_INTERFACE_ID]), true);
      assert.equal(await resolver.read.supportsInterface([FEATURES_INTERFACE_ID]), true);
      assert.equal(await resolver.read.supportsInterface(["0x01ffc9a7"]), true);
      assert.equal(await resolver.read.supportsInterface(["0xffffffff"]), false);
      assert.equal(await resolver.read.supportsInterface(["0x3b3b57de"]), false);
    });
  });
});

describe("OffchainResolverFactory", () => {
  async function deployFactory() {
    const implementation = await viem.deployContract("OffchainResolver", [ownerWallet!.account.address, URLS, [signer.address]]);
    const factory = await viem.deployContract("OffchainResolverFactory", [implementation.address]);
    return { implementation, factory };
  }
  const salt = keccak256(toHex("acme.eth"));

  it("creates a clone owned and configured by the service, at the predicted address, in one transaction", async () => {
    const { factory } = await networkHelpers.loadFixture(deployFactory);
    const service = getAddress(otherWallet!.account.address);
    const predicted = await factory.read.predictResolver([getAddress(ownerWallet!.account.address), salt]);
    await viem.assertions.emitWithArgs(factory.write.createResolver([service, URLS, [signer.address], true, salt]), factory, "ResolverCreated", [
      predicted,
      service,
      getAddress(ownerWallet!.account.address),
    ]);
    const clone = await viem.getContractAt("OffchainResolver", predicted);
    assert.equal(await clone.read.owner(), service);
    assert.deepEqual(await clone.read.urls(), URLS);
    assert.deepEqual(await clone.read.signers(), [signer.address]);
    assert.equal(await clone.read.supportsFeature([RESOLVE_MULTICALL_FEATURE]), true);
    // The clone verifies answers signed for itself, like a standalone resolver.
    const expires = (await latestTimestamp()) + 300n;
    const response = await encodeResolveResponse(signer, { resolver: clone.address, expiresSeconds: expires, request: callData, result });
    const extraData = encodeAbiParameters([{ type: "bytes" }, { type: "address" }], [callData, clone.address]);
    assert.equal(await clone.read.resolveWithProof([response, extraData]), result);
    // Only its owner manages it.
    await viem.assertions.revertWithCustomErrorWithArgs(clone.write.addSigner([stranger.address]), clone, "OwnableUnauthorizedAccount", [
      getAddress(ownerWallet!.account.address),
    ]);
  });

  it("cannot be initialized twice, and the implementation not at all", async () => {
    const { factory, implementation } = await networkHelpers.loadFixture(deployFactory);
    await factory.write.createResolver([ownerWallet!.account.address, URLS, [signer.address], false, salt]);
    const clone = await viem.getContractAt("OffchainResolver", await factory.read.predictResolver([getAddress(ownerWallet!.account.address), salt]));
    for (const target of [clone, implementation]) {
      await viem.assertions.revertWithCustomError(
        target.write.initialize([otherWallet!.account.address, URLS, [stranger.address], false], { account: otherWallet!.account }),
        target,
        "OffchainResolverAlreadyInitialized",
      );
    }
    assert.equal(await clone.read.owner(), getAddress(ownerWallet!.account.address));
  });

  it("gives each caller its own addresses: one salt twice is refused, another caller's salt is theirs", async () => {
    const { factory } = await networkHelpers.loadFixture(deployFactory);
    await factory.write.createResolver([ownerWallet!.account.address, URLS, [signer.address], false, salt]);
    await assert.rejects(factory.write.createResolver([ownerWallet!.account.address, URLS, [signer.address], false, salt]));
    await factory.write.createResolver([otherWallet!.account.address, URLS, [signer.address], false, salt], { account: otherWallet!.account });
    const mine = await factory.read.predictResolver([getAddress(ownerWallet!.account.address), salt]);
    const theirs = await factory.read.predictResolver([getAddress(otherWallet!.account.address), salt]);
    assert.notEqual(mine, theirs);
    assert.equal(await (await viem.getContractAt("OffchainResolver", theirs)).read.owner(), getAddress(otherWallet!.account.address));
  });

  it("keeps an owner for good: renouncing (which would reopen initialize) is refused", async () => {
    const { factory } = await networkHelpers.loadFixture(deployFactory);
    await factory.write.createResolver([ownerWallet!.account.address, URLS, [signer.address], false, salt]);
    const clone = await viem.getContractAt("OffchainResolver", await factory.read.predictResolver([getAddress(ownerWallet!.account.address), salt]));
    await viem.assertions.revertWithCustomError(
      clone.read.renounceOwnership({ account: ownerWallet!.account.address }),
      clone,
      "OffchainResolverOwnerRequired",
    );
    assert.equal(await clone.read.owner(), getAddress(ownerWallet!.account.address));
  });

  it("refuses a URL with a line break (the separator in storage), and keeps several URLs in order", async () => {
    const { factory } = await networkHelpers.loadFixture(deployFactory);
    await assert.rejects(
      factory.write.createResolver([ownerWallet!.account.address, ["https://a.example/\n", "x"], [signer.address], false, salt]),
      /OffchainResolverInvalidUrl/,
    );
    const three = ["https://a.example/{sender}/{data}.json", "https://b.example/ccip", "h"];
    await factory.write.createResolver([ownerWallet!.account.address, three, [signer.address], false, salt]);
    const clone = await viem.getContractAt("OffchainResolver", await factory.read.predictResolver([getAddress(ownerWallet!.account.address), salt]));
    assert.deepEqual(await clone.read.urls(), three);
    assert.deepEqual((await offchainLookup(clone)).args[1], three);
  });

  it("refuses a clone without an owner or URLs", async () => {
    const { factory } = await networkHelpers.loadFixture(deployFactory);
    await assert.rejects(factory.write.createResolver([zeroAddress, URLS, [signer.address], false, salt]), /OwnableInvalidOwner/);
    await assert.rejects(factory.write.createResolver([ownerWallet!.account.address, [], [signer.address], false, salt]), /OffchainResolverNoUrls/);
  });
});
