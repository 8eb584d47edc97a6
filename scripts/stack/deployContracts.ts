import { type Address, createPublicClient, createWalletClient, getAddress, type Hex, http, labelhash, zeroHash } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { namehash } from "viem/ens";
import { ensRegistryAbi } from "../../worker/src/abi";
import { readArtifact } from "../lib/artifacts";

/** Hardhat's well-known account #0: owns the local registry and resolver. Local chains only. */
export const LOCAL_DEPLOYER_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

export type DeployedContracts = { chainId: number; ensRegistry: Address; resolver: Address; owner: Address };

/** Clients for the local chain, writing as {@link LOCAL_DEPLOYER_KEY}. */
export function localChain(rpcUrl: string) {
  const account = privateKeyToAccount(LOCAL_DEPLOYER_KEY);
  const transport = http(rpcUrl);
  const publicClient = createPublicClient({ chain: hardhat, transport });
  const wallet = createWalletClient({ chain: hardhat, transport, account });

  /** Deploys `contracts/<sourcePath>:<name>` and waits for it. */
  const deploy = async (sourcePath: string, name: string, args: unknown[]): Promise<Address> => {
    const { abi, bytecode } = await readArtifact(sourcePath, name);
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await wallet.deployContract({ abi, bytecode, args }) });
    if (!receipt.contractAddress) throw new Error(`Deploying ${name} produced no contract`);
    return getAddress(receipt.contractAddress);
  };

  /** Deploys an OffchainResolver (owner = deployer) that advertises the multicall feature. */
  const deployResolver = async (urls: string[], signer: Address): Promise<Address> => {
    const resolver = await deploy("OffchainResolver.sol", "OffchainResolver", [account.address, urls, [signer]]);
    const { abi } = await readArtifact("OffchainResolver.sol", "OffchainResolver");
    await publicClient.waitForTransactionReceipt({
      hash: await wallet.writeContract({ address: resolver, abi, functionName: "setMulticallFeature", args: [true] }),
    });
    return resolver;
  };

  /** Gives `domain` (and its parents) to the deployer in `registry`, and sets `resolver` for it. */
  const assignResolver = async (registry: Address, domain: string, resolver: Address): Promise<void> => {
    const write = async (functionName: "setSubnodeOwner" | "setResolver", args: readonly unknown[]) => {
      const hash = await wallet.writeContract({ address: registry, abi: ensRegistryAbi, functionName, args: args as never });
      await publicClient.waitForTransactionReceipt({ hash });
    };
    const labels = domain.split(".");
    for (let index = labels.length - 1; index >= 0; index--) {
      const parentName = labels.slice(index + 1).join(".");
      await write("setSubnodeOwner", [parentName === "" ? zeroHash : namehash(parentName), labelhash(labels[index] as string), account.address]);
    }
    await write("setResolver", [namehash(domain), resolver]);
  };

  return { account, publicClient, wallet, deploy, deployResolver, assignResolver };
}

/**
 * Deploys our dev ENS registry and an OffchainResolver (gateway URL + signer, multicall feature
 * on), gives `domain` (e.g. `demo.eth`) to the deployer and sets the resolver as its resolver.
 */
export async function deployContracts(options: { rpcUrl: string; gatewayUrl: string; signer: Address; domain: string }): Promise<DeployedContracts> {
  const chain = localChain(options.rpcUrl);
  const chainId = await chain.publicClient.getChainId();
  const ensRegistry = await chain.deploy("dev/ENSRegistry.sol", "ENSRegistry", [chain.account.address]);
  const resolver = await chain.deployResolver([options.gatewayUrl], options.signer);
  await chain.assignResolver(ensRegistry, options.domain, resolver);
  return { chainId, ensRegistry, resolver, owner: chain.account.address };
}
