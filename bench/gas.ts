/**
 * Gas of deploying the OffchainResolver and of `resolveWithProof` for a ~500-byte text answer,
 * on Hardhat's in-process network (EDR). Run with `hardhat run` so the network is available.
 *
 * Usage: npm run bench:gas
 */
import { network } from "hardhat";
import { encodeAbiParameters, encodeFunctionData, toHex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { namehash, packetToBytes } from "viem/ens";
import { offchainResolverAbi, recordResolverAbi } from "../worker/src/abi";
import { encodeResolveResponse } from "../worker/src/protocol/ccip/encodeResolveResponse";

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

const name = "alice.demo.eth";
const inner = encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [namehash(name), "network.dm3.profile"] });
const callData = encodeFunctionData({ abi: offchainResolverAbi, functionName: "resolve", args: [toHex(packetToBytes(name)), inner] });
const block = await publicClient.getBlock();
console.log("\nOffchainResolver gas (Hardhat EDR, solc 0.8.30, optimizer 10,000 runs)");
console.log(`  deployment (1 URL, 1 signer): ${deployReceipt.gasUsed}`);
for (const bytes of [32, 500, 2000]) {
  const result = encodeAbiParameters([{ type: "string" }], ["x".repeat(bytes)]);
  const response = await encodeResolveResponse(signer, {
    resolver: resolver.address,
    expiresSeconds: block.timestamp + 300n,
    request: callData,
    result,
  });
  const extraData = encodeAbiParameters([{ type: "bytes" }, { type: "address" }], [callData, resolver.address]);
  const gas = await publicClient.estimateGas({
    to: resolver.address,
    data: encodeFunctionData({ abi: offchainResolverAbi, functionName: "resolveWithProof", args: [response, extraData] }),
  });
  console.log(`  resolveWithProof, ${bytes}-byte text answer: ${gas} (eth_estimateGas, incl. 21,000 base + calldata)`);
}
