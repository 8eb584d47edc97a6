/**
 * Every ENS client path against one local stack: viem (single records, coin types, contenthash,
 * several records in one multicall lookup), ethers v6's resolver, a lookup relayed through another
 * contract (ENS UniversalResolver's direct path: `{sender}` is not the resolver), and gateway
 * failover when the first URL answers 5xx.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { EnsPlugin, JsonRpcProvider, Network } from "ethers";
import { type Address, createPublicClient, decodeAbiParameters, encodeFunctionData, http, toHex, zeroAddress } from "viem";
import { hardhat } from "viem/chains";
import { namehash, packetToBytes } from "viem/ens";
import { FEATURES_INTERFACE_ID, offchainResolverAbi, RESOLVE_MULTICALL_FEATURE, recordResolverAbi } from "../../worker/src/abi";
import { readArtifact } from "../../scripts/lib/artifacts";
import { createRegistryClient, resolveRecord, resolveRecords } from "../../sdk/src/index";
import { ensureDevSecrets } from "../../scripts/stack/devVars";
import { localChain } from "../../scripts/stack/deployContracts";
import { findFreePort } from "../../scripts/stack/processes";
import { type Stack, startStack } from "../../scripts/stack/startStack";

const IPFS_CONTENTHASH = "0xe3010170122029f2d17be6139079dc48696d1f582a8530eb9805b561eda517e22a892c7e3f1f";
// ethers renders a dag-pb sha2-256 CID as CIDv0.
const IPFS_URI = "ipfs://QmRAQB6YaCyidP37UdDnjFY5vQuiBrcqdyoW1CuDgwxkD4";
const OPTIMISM = 0x8000000an;
const BOB = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const OP_ADDRESS = "0x1111111111111111111111111111111111111111";

let stack: Stack;
let stateDir: string;
const client = () => createPublicClient({ chain: hardhat, transport: http(stack.info.rpcUrl) });
const name = () => `clients.${stack.info.domain}`;

before(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), "dm3-clients-"));
  stack = await startStack({ rpcPort: await findFreePort(), workerPort: await findFreePort(), inspectorPort: await findFreePort(), stateDir });
  const { adminToken } = await ensureDevSecrets();
  await createRegistryClient({ url: stack.info.gatewayUrl, credential: adminToken }).putName(name(), {
    owner: BOB,
    texts: { url: "https://clients.example", avatar: "https://clients.example/a.png" },
    addresses: { [String(OPTIMISM)]: OP_ADDRESS },
    contenthash: IPFS_CONTENTHASH,
  });
});

after(async () => {
  await stack?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe("viem", () => {
  it("resolves text, addr, a coin-type addr and the contenthash", async () => {
    const registry = stack.info.ensRegistry;
    assert.equal(await resolveRecord(client(), registry, name(), { kind: "text", key: "url" }), "https://clients.example");
    assert.equal(await resolveRecord(client(), registry, name(), { kind: "addr" }), BOB);
    assert.equal(await resolveRecord(client(), registry, name(), { kind: "addr", coinType: OPTIMISM }), OP_ADDRESS);
    assert.equal(await resolveRecord(client(), registry, name(), { kind: "contenthash" }), IPFS_CONTENTHASH);
  });

  it("resolves several records in one multicall lookup, the resolver advertising the feature", async () => {
    const resolver = stack.info.resolver;
    const read = (functionName: "supportsFeature" | "supportsInterface", arg: `0x${string}`) =>
      client().readContract({ address: resolver, abi: offchainResolverAbi, functionName, args: [arg] });
    assert.equal(await read("supportsInterface", FEATURES_INTERFACE_ID), true);
    assert.equal(await read("supportsFeature", RESOLVE_MULTICALL_FEATURE), true);
    const values = await resolveRecords(client(), stack.info.ensRegistry, name(), [
      { kind: "text", key: "url" },
      { kind: "text", key: "avatar" },
      { kind: "addr" },
      { kind: "addr", coinType: OPTIMISM },
      { kind: "contenthash" },
      { kind: "text", key: "unset" },
    ]);
    assert.deepEqual(values, ["https://clients.example", "https://clients.example/a.png", BOB, OP_ADDRESS, IPFS_CONTENTHASH, ""]);
  });
});

describe("ethers v6", () => {
  it("finds the resolver and reads text, address and contenthash through CCIP-Read", async () => {
    const network = new Network("hardhat", stack.info.chainId);
    network.attachPlugin(new EnsPlugin(stack.info.ensRegistry, stack.info.chainId));
    const provider = new JsonRpcProvider(stack.info.rpcUrl, network, { staticNetwork: network });
    try {
      const resolver = await provider.getResolver(name());
      assert.ok(resolver, "ethers found a resolver through the registry walk");
      assert.equal(resolver.address, stack.info.resolver);
      assert.equal(await resolver.getText("url"), "https://clients.example");
      assert.equal(await resolver.getAddress(), BOB);
      assert.equal(await resolver.getContentHash(), IPFS_URI);
      assert.equal(await provider.resolveName(name()), BOB);
      assert.equal(await (await provider.getResolver(`nobody.${stack.info.domain}`))?.getAddress(), null);
    } finally {
      provider.destroy();
    }
  });
});

describe("ENS UniversalResolver-style relaying", () => {
  it("verifies an answer fetched for another contract (sender ≠ resolver), single and multicall", async () => {
    const chain = await localChain(stack.info.rpcUrl);
    const relay = await chain.deploy("dev/RelayingCaller.sol", "RelayingCaller", []);
    const { abi } = await readArtifact("dev/RelayingCaller.sol", "RelayingCaller");
    const node = namehash(name());
    const relayed = (data: `0x${string}`) =>
      client().readContract({
        address: relay,
        abi,
        functionName: "resolve",
        args: [stack.info.resolver, toHex(packetToBytes(name())), data],
      }) as Promise<`0x${string}`>;
    const text = await relayed(encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [node, "url"] }));
    assert.equal(decodeAbiParameters([{ type: "string" }], text)[0], "https://clients.example");
    // One resolve() per record (the UniversalResolver's batch path) and one multicall both verify.
    const addr = await relayed(encodeFunctionData({ abi: recordResolverAbi, functionName: "addr", args: [node] }));
    assert.equal(decodeAbiParameters([{ type: "address" }], addr)[0], BOB);
    const batch = await relayed(
      encodeFunctionData({
        abi: recordResolverAbi,
        functionName: "multicall",
        args: [[encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [node, "avatar"] })]],
      }),
    );
    const [[avatar]] = decodeAbiParameters([{ type: "bytes[]" }], batch);
    assert.equal(decodeAbiParameters([{ type: "string" }], avatar!)[0], "https://clients.example/a.png");
  });
});

describe("gateway failover", () => {
  it("tries the next gateway URL when the first answers 5xx", async () => {
    let failures = 0;
    const broken = createServer((_request, response) => {
      failures++;
      response.writeHead(503, { "Content-Type": "application/json" }).end(JSON.stringify({ message: "down for maintenance" }));
    });
    await new Promise<void>((resolve) => broken.listen(0, "127.0.0.1", resolve));
    try {
      const brokenUrl = `http://127.0.0.1:${(broken.address() as { port: number }).port}/ccip/{sender}/{data}.json`;
      const chain = await localChain(stack.info.rpcUrl);
      const resolver: Address = await chain.deployResolver([brokenUrl, `${stack.info.gatewayUrl}/ccip/{sender}/{data}.json`], stack.info.signer);
      await chain.assignResolver(stack.info.ensRegistry, "failover.eth", resolver);
      const { adminToken } = await ensureDevSecrets();
      const admin = createRegistryClient({ url: stack.info.gatewayUrl, credential: adminToken });
      await admin.putDomain("failover.eth", { resolverAddress: resolver, chainId: stack.info.chainId });
      await admin.putName("x.failover.eth", { owner: BOB });

      assert.equal(await resolveRecord(client(), stack.info.ensRegistry, "x.failover.eth", { kind: "addr" }), BOB);
      assert.equal(failures, 1, "the broken gateway was tried first");
      assert.equal(await resolveRecord(client(), stack.info.ensRegistry, "y.failover.eth", { kind: "addr" }), zeroAddress);
    } finally {
      broken.close();
    }
  });
});
