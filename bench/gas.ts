/**
 * Gas of getting a resolver — standalone deployment, or a minimal clone through the factory — and
 * of `resolveWithProof` for 32-, 500- and 2,000-byte text answers, on Hardhat's in-process network
 * (EDR), beside the figures of ENS's reference OffchainResolver (solc 0.8.30, 200 optimizer runs,
 * prague; measured once, printed for comparison). Then the same contract compiled the reference's way
 * (200 runs) on a cancun network, where a transaction's intrinsic cost is exact (no EIP-7623 calldata
 * floor), so its execution gas can be compared with the reference's own. Run with `hardhat run` so
 * the network is available.
 *
 * Usage: npm run bench:gas
 */
import { network } from "hardhat";
import { encodeAbiParameters, encodeFunctionData, hexToBytes, toHex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { namehash, packetToBytes } from "viem/ens";
import { offchainResolverAbi, recordResolverAbi } from "../worker/src/abi";
import { encodeResolveResponse } from "../worker/src/protocol/ccip/encodeResolveResponse";
import { compileContract } from "./lib/compileContract";

const { viem } = await network.create();
const publicClient = await viem.getPublicClient();
const [owner] = await viem.getWalletClients();
const signer = privateKeyToAccount(generatePrivateKey());

const { contract: resolver, deploymentTransaction } = await viem.sendDeploymentTransaction("OffchainResolver", [
  owner!.account.address,
  ["https://gateway.example/ccip/{sender}/{data}.json"],
  [signer.address],
]);
const deployReceipt = await publicClient.waitForTransactionReceipt({ hash: deploymentTransaction.hash });

// The factory: one implementation (deployed once per chain) and the factory itself, then a clone per service.
const implementationDeployment = await viem.sendDeploymentTransaction("OffchainResolver", [
  owner!.account.address,
  ["https://gateway.example/ccip/{sender}/{data}.json"],
  [signer.address],
]);
const implementationReceipt = await publicClient.waitForTransactionReceipt({ hash: implementationDeployment.deploymentTransaction.hash });
const factoryDeployment = await viem.sendDeploymentTransaction("OffchainResolverFactory", [implementationDeployment.contract.address]);
const factoryReceipt = await publicClient.waitForTransactionReceipt({ hash: factoryDeployment.deploymentTransaction.hash });
const factory = factoryDeployment.contract;
const cloneHash = await factory.write.createResolver([
  owner!.account.address,
  ["https://gateway.example/ccip/{sender}/{data}.json"],
  [signer.address],
  true,
  "0x0000000000000000000000000000000000000000000000000000000000000001",
]);
const cloneReceipt = await publicClient.waitForTransactionReceipt({ hash: cloneHash });
const cloneAddress = await factory.read.predictResolver([owner!.account.address, "0x0000000000000000000000000000000000000000000000000000000000000001"]);

const name = "alice.demo.eth";
const inner = encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [namehash(name), "network.dm3.profile"] });
const callData = encodeFunctionData({ abi: offchainResolverAbi, functionName: "resolve", args: [toHex(packetToBytes(name)), inner] });
const block = await publicClient.getBlock();
const REFERENCE = { deployment: 837_032n, resolveWithProof: { 32: 36_950n, 500: 55_850n, 2000: 115_890n } as Record<number, bigint> };
console.log("\nOffchainResolver gas (Hardhat EDR, solc 0.8.30, optimizer 10,000 runs); ENS's reference (200 runs, prague) beside it");
console.log(`  standalone deployment (1 URL, 1 signer):          ${deployReceipt.gasUsed}   reference ${REFERENCE.deployment}`);
console.log(`  a service's resolver through the factory (clone + initialize, 1 URL, 1 signer, multicall on): ${cloneReceipt.gasUsed}`);
console.log(`  once per chain: implementation ${implementationReceipt.gasUsed}, factory ${factoryReceipt.gasUsed}`);
for (const [label, address] of [
  ["standalone", resolver.address],
  ["clone", cloneAddress],
] as const) {
  for (const bytes of [32, 500, 2000]) {
    const result = encodeAbiParameters([{ type: "string" }], ["x".repeat(bytes)]);
    const response = await encodeResolveResponse(signer, {
      resolver: address,
      expiresSeconds: block.timestamp + 300n,
      request: callData,
      result,
    });
    const extraData = encodeAbiParameters([{ type: "bytes" }, { type: "address" }], [callData, address]);
    const gas = await publicClient.estimateGas({
      to: address,
      data: encodeFunctionData({ abi: offchainResolverAbi, functionName: "resolveWithProof", args: [response, extraData] }),
    });
    console.log(
      `  ${label} resolveWithProof, ${bytes}-byte text answer: ${gas}   reference ${REFERENCE.resolveWithProof[bytes]} (eth_estimateGas, incl. 21,000 base + calldata)`,
    );
  }
}

// The reference's settings: 200 optimizer runs, cancun. Execution gas = gas used − 21,000 − calldata.
const cancun = await network.create({ override: { hardfork: "cancun" } });
const cancunClient = await cancun.viem.getPublicClient();
const [cancunWallet] = await cancun.viem.getWalletClients();
const compiled = compileContract({ file: "OffchainResolver.sol", contract: "OffchainResolver", runs: 200, evmVersion: "cancun" });
const cancunDeployment = await cancunClient.waitForTransactionReceipt({
  hash: await cancunWallet!.deployContract({
    abi: compiled.abi,
    bytecode: compiled.bytecode,
    args: [cancunWallet!.account.address, ["https://gateway.example/ccip/{sender}/{data}.json"], [signer.address]],
  }),
});
const cancunResolver = cancunDeployment.contractAddress as `0x${string}`;
const cancunBlock = await cancunClient.getBlock();
const REFERENCE_EXECUTION_500 = 9_426n;
const intrinsicGas = (data: `0x${string}`) => 21_000n + BigInt(hexToBytes(data).reduce((sum, byte) => sum + (byte === 0 ? 4 : 16), 0));
console.log("\nThe same contract compiled as the reference was (solc 0.8.30, 200 runs), on a cancun network");
console.log(`  standalone deployment (1 URL, 1 signer): ${cancunDeployment.gasUsed}   reference ${REFERENCE.deployment} (200 runs, prague)`);
for (const bytes of [32, 500, 2000]) {
  const response = await encodeResolveResponse(signer, {
    resolver: cancunResolver,
    expiresSeconds: cancunBlock.timestamp + 300n,
    request: callData,
    result: encodeAbiParameters([{ type: "string" }], ["x".repeat(bytes)]),
  });
  const data = encodeFunctionData({
    abi: offchainResolverAbi,
    functionName: "resolveWithProof",
    args: [response, encodeAbiParameters([{ type: "bytes" }, { type: "address" }], [callData, cancunResolver])],
  });
  // A transaction, not a call: its receipt's gasUsed is exact (eth_estimateGas rounds up for the 63/64 rule).
  const receipt = await cancunClient.waitForTransactionReceipt({ hash: await cancunWallet!.sendTransaction({ to: cancunResolver, data }) });
  if (receipt.status !== "success") throw new Error(`resolveWithProof reverted for a ${bytes}-byte answer`);
  const execution = receipt.gasUsed - intrinsicGas(data);
  const reference = bytes === 500 ? `   reference ${REFERENCE_EXECUTION_500}` : "";
  console.log(`  resolveWithProof execution gas, ${bytes}-byte text answer: ${execution}${reference}`);
}
