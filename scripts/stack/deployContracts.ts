import { type Address, createPublicClient, getAddress, createWalletClient, type Hex, http, labelhash, zeroHash } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { namehash } from "viem/ens";
import { hardhat } from "viem/chains";
import { ensRegistryAbi } from "../../worker/src/abi";
import { readArtifact } from "../lib/artifacts";

/** Hardhat's well-known account #0: owns the local registry and resolver. Local chains only. */
export const LOCAL_DEPLOYER_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

export type DeployedContracts = { chainId: number; ensRegistry: Address; resolver: Address; owner: Address };

/**
 * Deploys our dev ENS registry and an OffchainResolver (gateway URL + signer), gives `domain`
 * (a 2LD such as `demo.eth`) to the deployer and sets the resolver as its resolver.
 */
export async function deployContracts(options: {
  rpcUrl: string;
  gatewayUrl: string;
  signer: Address;
  domain: string;
}): Promise<DeployedContracts> {
  const account = privateKeyToAccount(LOCAL_DEPLOYER_KEY);
  const transport = http(options.rpcUrl);
  const publicClient = createPublicClient({ chain: hardhat, transport });
  const wallet = createWalletClient({ chain: hardhat, transport, account });
  const chainId = await publicClient.getChainId();

  const deploy = async (sourcePath: string, name: string, args: unknown[]): Promise<Address> => {
    const { abi, bytecode } = await readArtifact(sourcePath, name);
    const hash = await wallet.deployContract({ abi, bytecode, args });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (!receipt.contractAddress) throw new Error(`Deploying ${name} produced no contract`);
    return getAddress(receipt.contractAddress);
  };
  const ensRegistry = await deploy("dev/ENSRegistry.sol", "ENSRegistry", [account.address]);
  const resolver = await deploy("OffchainResolver.sol", "OffchainResolver", [account.address, [options.gatewayUrl], [options.signer]]);
  // Our gateway answers multicall(bytes[]): advertise it (ENSIP-22).
  const { abi: resolverAbi } = await readArtifact("OffchainResolver.sol", "OffchainResolver");
  await publicClient.waitForTransactionReceipt({
    hash: await wallet.writeContract({ address: resolver, abi: resolverAbi, functionName: "setMulticallFeature", args: [true] }),
  });

  const write = async (functionName: "setSubnodeOwner" | "setResolver", args: readonly unknown[]) => {
    const hash = await wallet.writeContract({ address: ensRegistry, abi: ensRegistryAbi, functionName, args: args as never });
    await publicClient.waitForTransactionReceipt({ hash });
  };
  // Walk down from the TLD: eth → demo.eth, each owned by the deployer.
  const labels = options.domain.split(".");
  for (let index = labels.length - 1; index >= 0; index--) {
    const parentName = labels.slice(index + 1).join(".");
    const parent = parentName === "" ? zeroHash : namehash(parentName);
    await write("setSubnodeOwner", [parent, labelhash(labels[index] as string), account.address]);
  }
  await write("setResolver", [namehash(options.domain), resolver]);
  return { chainId, ensRegistry, resolver, owner: account.address };
}
