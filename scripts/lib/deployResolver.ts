import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Address, getAddress, isAddressEqual, keccak256 } from "viem";
import { resolverAdminAbi } from "../../worker/src/abi";
import { readArtifact } from "./artifacts";
import type { ChainConnection } from "./chain";

/** What a resolver deployment left on chain: written as a JSON record next to the code. */
export type ResolverDeployment = {
  contract: "OffchainResolver";
  chainId: number;
  address: Address;
  transactionHash: string;
  blockNumber: number;
  deployer: Address;
  /** The owner now; `pendingOwner` must call `acceptOwnership()` to take over. */
  owner: Address;
  pendingOwner: Address | null;
  signers: Address[];
  urls: string[];
  multicallFeature: boolean;
  /** keccak256 of the deployed creation bytecode (compare with a rebuild to verify the source). */
  bytecodeHash: string;
  deployedAt: string;
};

/**
 * Deploys an OffchainResolver with `urls` and `signers`. The deployer is the first owner, so it can
 * switch the multicall feature on; when `owner` is someone else, ownership is then offered to
 * them (Ownable2Step: they call `acceptOwnership()`). The result is read back from the chain.
 */
export async function deployResolver(
  chain: ChainConnection,
  options: { owner?: Address; signers: Address[]; urls: string[]; multicallFeature: boolean },
): Promise<ResolverDeployment> {
  const { abi, bytecode } = await readArtifact("OffchainResolver.sol", "OffchainResolver");
  const deployer = chain.account.address;
  const hash = await chain.wallet.deployContract({ abi, bytecode, args: [deployer, options.urls, options.signers] });
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`Deploying OffchainResolver failed (tx ${hash})`);
  const address = getAddress(receipt.contractAddress);
  if (options.multicallFeature) await chain.write(address, resolverAdminAbi, "setMulticallFeature", [true]);
  if (options.owner && !isAddressEqual(options.owner, deployer)) await chain.write(address, resolverAdminAbi, "transferOwnership", [options.owner]);

  const read = <name extends "owner" | "pendingOwner" | "signers" | "urls">(functionName: name) =>
    chain.publicClient.readContract({ address, abi: resolverAdminAbi, functionName });
  const [owner, pendingOwner, signers, urls] = await Promise.all([read("owner"), read("pendingOwner"), read("signers"), read("urls")]);
  return {
    contract: "OffchainResolver",
    chainId: chain.chainId,
    address,
    transactionHash: hash,
    blockNumber: Number(receipt.blockNumber),
    deployer,
    owner: owner as Address,
    pendingOwner: BigInt(pendingOwner as Address) === 0n ? null : (pendingOwner as Address),
    signers: [...(signers as readonly Address[])],
    urls: [...(urls as readonly string[])],
    multicallFeature: options.multicallFeature,
    bytecodeHash: keccak256(bytecode),
    deployedAt: new Date().toISOString(),
  };
}

/** Writes `<dir>/<chainId>-<address>.json`; returns its path. */
export async function writeDeploymentRecord(dir: string, deployment: ResolverDeployment): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${deployment.chainId}-${deployment.address}.json`);
  // Addresses repeat only on a reset dev chain, where the newest record is the true one.
  await writeFile(file, `${JSON.stringify(deployment, null, 2)}\n`);
  return file;
}
