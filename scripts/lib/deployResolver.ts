import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Address, getAddress, type Hex, isAddressEqual, keccak256, parseAbi, toHex } from "viem";
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
  /** keccak256 of the resolver's creation bytecode (for a clone: its implementation's; compare with a rebuild). */
  bytecodeHash: string;
  /** `factory`: an EIP-1167 clone of the factory's implementation; `standalone`: its own contract. */
  via: "factory" | "standalone";
  factory: Address | null;
  gasUsed: string;
  deployedAt: string;
};

/** A factory on one chain: the implementation every clone delegates to, and the factory that clones it. */
export type FactoryDeployment = { chainId: number; factory: Address; implementation: Address; transactionHash: string; deployedAt: string };

const factoryAbi = parseAbi([
  "function createResolver(address owner, string[] urls, address[] signers, bool multicallFeature, bytes32 salt) returns (address)",
  "function predictResolver(address creator, bytes32 salt) view returns (address)",
  "function implementation() view returns (address)",
]);
/** Stands in for a gateway URL in the implementation, which never answers lookups itself. */
const IMPLEMENTATION_URL = "unused://implementation";

/**
 * Deploys an OffchainResolver with `urls` and `signers` — through `factory` when given (a minimal
 * clone, created and initialized in one transaction: a fraction of the gas), else standalone. The
 * deployer is the first owner, so it can switch the multicall feature on; when `owner` is someone
 * else, ownership is then offered to them (Ownable2Step: they call `acceptOwnership()`). The
 * result is read back from the chain.
 */
export async function deployResolver(
  chain: ChainConnection,
  options: { owner?: Address; signers: Address[]; urls: string[]; multicallFeature: boolean; factory?: Address },
): Promise<ResolverDeployment> {
  const { abi, bytecode } = await readArtifact("OffchainResolver.sol", "OffchainResolver");
  const deployer = chain.account.address;
  let address: Address;
  let hash: Hex;
  let receipt: Awaited<ReturnType<typeof chain.publicClient.waitForTransactionReceipt>>;
  if (options.factory) {
    const salt = toHex(crypto.getRandomValues(new Uint8Array(32)));
    receipt = await chain.write(options.factory, factoryAbi, "createResolver", [deployer, options.urls, options.signers, options.multicallFeature, salt]);
    hash = receipt.transactionHash;
    address = getAddress(
      await chain.publicClient.readContract({ address: options.factory, abi: factoryAbi, functionName: "predictResolver", args: [deployer, salt] }),
    );
  } else {
    hash = await chain.wallet.deployContract({ abi, bytecode, args: [deployer, options.urls, options.signers] });
    receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`Deploying OffchainResolver failed (tx ${hash})`);
    address = getAddress(receipt.contractAddress);
    if (options.multicallFeature) await chain.write(address, resolverAdminAbi, "setMulticallFeature", [true]);
  }
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
    via: options.factory ? "factory" : "standalone",
    factory: options.factory ?? null,
    gasUsed: receipt.gasUsed.toString(),
    deployedAt: new Date().toISOString(),
  };
}

/** Deploys the implementation (owned by the deployer, never used on its own) and the factory that clones it. */
export async function deployResolverFactory(chain: ChainConnection): Promise<FactoryDeployment> {
  const deploy = async (name: string, sourcePath: string, args: unknown[]) => {
    const { abi, bytecode } = await readArtifact(sourcePath, name);
    const hash = await chain.wallet.deployContract({ abi, bytecode, args });
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`Deploying ${name} failed (tx ${hash})`);
    return { address: getAddress(receipt.contractAddress), hash };
  };
  const implementation = await deploy("OffchainResolver", "OffchainResolver.sol", [chain.account.address, [IMPLEMENTATION_URL], []]);
  const factory = await deploy("OffchainResolverFactory", "OffchainResolverFactory.sol", [implementation.address]);
  return {
    chainId: chain.chainId,
    factory: factory.address,
    implementation: implementation.address,
    transactionHash: factory.hash,
    deployedAt: new Date().toISOString(),
  };
}

const FACTORIES_FILE = "factories.json";

/** Records `deployment` in `<dir>/factories.json` (one factory per chain id; the newest wins). */
export async function writeFactoryRecord(dir: string, deployment: FactoryDeployment): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, FACTORIES_FILE);
  const records = await readFactoryRecords(dir);
  records[String(deployment.chainId)] = deployment;
  await writeFile(file, `${JSON.stringify(records, null, 2)}\n`);
  return file;
}

/** The factory recorded for the chain in `<dir>/factories.json`, if it still has code there (a reset dev chain loses it). */
export async function knownFactory(dir: string, chain: ChainConnection): Promise<Address | undefined> {
  const record = (await readFactoryRecords(dir))[String(chain.chainId)];
  if (!record) return undefined;
  const code = await chain.publicClient.getCode({ address: record.factory });
  return code && code !== "0x" ? record.factory : undefined;
}

async function readFactoryRecords(dir: string): Promise<Record<string, FactoryDeployment>> {
  try {
    return JSON.parse(await readFile(path.join(dir, FACTORIES_FILE), "utf8")) as Record<string, FactoryDeployment>;
  } catch {
    return {};
  }
}

/** Writes `<dir>/<chainId>-<address>.json`; returns its path. */
export async function writeDeploymentRecord(dir: string, deployment: ResolverDeployment): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${deployment.chainId}-${deployment.address}.json`);
  // Addresses repeat only on a reset dev chain, where the newest record is the true one.
  await writeFile(file, `${JSON.stringify(deployment, null, 2)}\n`);
  return file;
}
