import { type Address, type Hex, labelhash, type LocalAccount, parseAbi } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createDm3Profile, type Dm3Keys } from "../../sdk/src/index";
import { DM3_PROFILE_TEXT_KEY, encodeProfileRecord } from "../../worker/src/protocol/dm3/profile";
import { namehash, normalize } from "viem/ens";
import { ensRegistryAbi } from "../../worker/src/abi";
import { connectChain } from "../lib/chain";
import { localChain } from "./deployContracts";

const textAddrResolverAbi = parseAbi(["function setText(bytes32 node, string key, string value)", "function setAddr(bytes32 node, address a)"]);
const registryOwnerAbi = parseAbi(["function setOwner(bytes32 node, address owner)"]);
const devTokenAbi = parseAbi(["function mint(address to, uint256 amount)"]);

/**
 * Puts `name` fully on the local chain: the deployer (who owns its parent) creates it, points it at
 * our dev `TextAddrResolver`, sets its address and text records, then hands it to `owner`.
 * Local chains only (writes as Hardhat's account #0).
 */
export async function registerOnChainName(options: {
  rpcUrl: string;
  ensRegistry: Address;
  textResolver: Address;
  name: string;
  owner: Address;
  texts?: Record<string, string>;
}): Promise<void> {
  const chain = await localChain(options.rpcUrl);
  const name = normalize(options.name);
  const [label, ...rest] = name.split(".");
  const node = namehash(name);
  await chain.write(options.ensRegistry, ensRegistryAbi, "setSubnodeOwner", [namehash(rest.join(".")), labelhash(label as string), chain.account.address]);
  await chain.write(options.ensRegistry, ensRegistryAbi, "setResolver", [node, options.textResolver]);
  await chain.write(options.textResolver, textAddrResolverAbi, "setAddr", [node, options.owner]);
  for (const [key, value] of Object.entries(options.texts ?? {})) {
    await chain.write(options.textResolver, textAddrResolverAbi, "setText", [node, key, value]);
  }
  await chain.write(options.ensRegistry, registryOwnerAbi, "setOwner", [node, options.owner]);
}

/** Mints `amount` of the dev ERC-20 to `to` (local chains only). */
export async function mintDevToken(options: { rpcUrl: string; devToken: Address; to: Address; amount: bigint }): Promise<void> {
  const chain = await localChain(options.rpcUrl);
  await chain.write(options.devToken, devTokenAbi, "mint", [options.to, options.amount]);
}

/** Sends `value` wei from the deployer to `to` (gives a fresh account a balance; local chains only). */
export async function fundAccount(options: { rpcUrl: string; to: Address; value: bigint }): Promise<Hex> {
  const chain = await localChain(options.rpcUrl);
  const hash = await chain.wallet.sendTransaction({ to: options.to, value: options.value });
  await chain.publicClient.waitForTransactionReceipt({ hash });
  return hash;
}

/** Sets text record `key` of `name` on our dev TextAddrResolver, as its owner (`ownerKey` needs gas). */
export async function setOnChainText(options: {
  rpcUrl: string;
  textResolver: Address;
  name: string;
  ownerKey: Hex;
  key: string;
  value: string;
}): Promise<void> {
  const chain = await connectChain({ rpcUrl: options.rpcUrl, privateKey: options.ownerKey });
  await chain.write(options.textResolver, textAddrResolverAbi, "setText", [namehash(normalize(options.name)), options.key, options.value]);
}

/** A DM3 user whose name, address and profile live fully on the local chain (no gateway involved). */
export type OnChainDm3User = { name: string; address: Address; keys: Dm3Keys };

/** Creates `name` on chain for `wallet` (default: a fresh one) with fresh DM3 keys and a profile listing `deliveryServices`. */
export async function createOnChainDm3User(
  stack: { rpcUrl: string; ensRegistry: Address; textResolver: Address },
  name: string,
  options: { deliveryServices: string[]; wallet?: LocalAccount },
): Promise<OnChainDm3User> {
  const wallet = options.wallet ?? privateKeyToAccount(generatePrivateKey());
  const { signedUserProfile, keys } = await createDm3Profile(wallet, { deliveryServices: options.deliveryServices });
  await registerOnChainName({
    ...stack,
    name,
    owner: wallet.address,
    texts: { [DM3_PROFILE_TEXT_KEY]: encodeProfileRecord(signedUserProfile) },
  });
  return { name, address: wallet.address, keys };
}
