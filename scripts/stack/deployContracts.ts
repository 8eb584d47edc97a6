import { type Address, getAddress, type Hex, labelhash, zeroHash } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { namehash } from "viem/ens";
import { ensRegistryAbi } from "../../worker/src/abi";
import { readArtifact } from "../lib/artifacts";
import { connectChain } from "../lib/chain";
import { deployResolver } from "../lib/deployResolver";

/** Hardhat's well-known account #0: owns the local registry and resolver. Local chains only. */
export const LOCAL_DEPLOYER_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/**
 * A second domain the local stack hands to the user, with no resolver yet: it belongs to Hardhat's
 * well-known account #1, so the README can walk through pointing a domain you own at the resolver.
 */
export const PLAYGROUND_DOMAIN = "acme.eth";
/** Hardhat's well-known account #1 (public; local chains only): owns {@link PLAYGROUND_DOMAIN}. */
export const PLAYGROUND_OWNER_KEY: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

export type DeployedContracts = {
  chainId: number;
  ensRegistry: Address;
  resolver: Address;
  owner: Address;
  /** Our minimal on-chain resolver (text + addr): names that live fully on chain. */
  textResolver: Address;
  /** An OpenZeppelin ERC-20 the deployer mints: the token of DM3's `minTokenBalance` spam rule. */
  devToken: Address;
  /** Our dev stand-in for ENS's UniversalResolver (`findResolver`), which the resolver guard also asks. */
  universalResolver: Address;
};

/** The local chain, writing as {@link LOCAL_DEPLOYER_KEY}. */
export async function localChain(rpcUrl: string) {
  const chain = await connectChain({ rpcUrl, privateKey: LOCAL_DEPLOYER_KEY });

  /** Deploys `contracts/<sourcePath>:<name>` and waits for it. */
  const deploy = async (sourcePath: string, name: string, args: unknown[]): Promise<Address> => {
    const { abi, bytecode } = await readArtifact(sourcePath, name);
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash: await chain.wallet.deployContract({ abi, bytecode, args }) });
    if (!receipt.contractAddress) throw new Error(`Deploying ${name} produced no contract`);
    return getAddress(receipt.contractAddress);
  };

  /** Deploys an OffchainResolver (owner = deployer) that advertises the multicall feature. */
  const deployLocalResolver = async (urls: string[], signer: Address): Promise<Address> =>
    (await deployResolver(chain, { signers: [signer], urls, multicallFeature: true })).address;

  /** Gives `domain` (and its parents) to the deployer in `registry`, and sets `resolver` for it. */
  const assignResolver = async (registry: Address, domain: string, resolver: Address): Promise<void> => {
    const labels = domain.split(".");
    for (let index = labels.length - 1; index >= 0; index--) {
      const parentName = labels.slice(index + 1).join(".");
      const parent = parentName === "" ? zeroHash : namehash(parentName);
      await chain.write(registry, ensRegistryAbi, "setSubnodeOwner", [parent, labelhash(labels[index] as string), chain.account.address]);
    }
    await chain.write(registry, ensRegistryAbi, "setResolver", [namehash(domain), resolver]);
  };

  return { ...chain, deploy, deployResolver: deployLocalResolver, assignResolver };
}

/**
 * Deploys our dev ENS registry and an OffchainResolver (gateway URL + signer, multicall feature
 * on), gives `domain` (e.g. `demo.eth`) to the deployer and sets the resolver as its resolver.
 */
export async function deployContracts(options: { rpcUrl: string; gatewayUrl: string; signer: Address; domain: string }): Promise<DeployedContracts> {
  const chain = await localChain(options.rpcUrl);
  const ensRegistry = await chain.deploy("dev/ENSRegistry.sol", "ENSRegistry", [chain.account.address]);
  const resolver = await chain.deployResolver([options.gatewayUrl], options.signer);
  await chain.assignResolver(ensRegistry, options.domain, resolver);
  const [label, parent] = [PLAYGROUND_DOMAIN.split(".")[0] as string, PLAYGROUND_DOMAIN.slice(PLAYGROUND_DOMAIN.indexOf(".") + 1)];
  await chain.write(ensRegistry, ensRegistryAbi, "setSubnodeOwner", [namehash(parent), labelhash(label), privateKeyToAccount(PLAYGROUND_OWNER_KEY).address]);
  const textResolver = await chain.deploy("dev/TextAddrResolver.sol", "TextAddrResolver", [ensRegistry]);
  const devToken = await chain.deploy("dev/DevToken.sol", "DevToken", [chain.account.address]);
  // Deployed last, so the addresses above stay what the README prints.
  const universalResolver = await chain.deploy("dev/UniversalResolverStandIn.sol", "UniversalResolverStandIn", [ensRegistry]);
  return { chainId: chain.chainId, ensRegistry, resolver, owner: chain.account.address, textResolver, devToken, universalResolver };
}
