import { type Address, isAddressEqual } from "viem";
import { namehash } from "viem/ens";
import { ensRegistryAbi, EXTENDED_RESOLVER_INTERFACE_ID, nameWrapperAbi, offchainResolverAbi } from "../../worker/src/abi";
import type { ChainConnection } from "./chain";
import { UsageError } from "./cliErrors";

/**
 * Makes `resolver` the resolver of `domain` in the ENS `registry`, as the domain's owner: directly
 * in the registry, or through ENS's NameWrapper when the name is wrapped. Refuses a resolver that
 * is not an ENSIP-10 extended resolver (a typo would make every subname unresolvable).
 */
export async function setDomainResolver(
  chain: ChainConnection,
  options: { registry: Address; domain: string; resolver: Address },
): Promise<{ via: "registry" | "nameWrapper"; transactionHash: string }> {
  const { publicClient, account } = chain;
  const node = namehash(options.domain);
  const isExtended = await publicClient
    .readContract({ address: options.resolver, abi: offchainResolverAbi, functionName: "supportsInterface", args: [EXTENDED_RESOLVER_INTERFACE_ID] })
    .catch(() => false);
  if (!isExtended) throw new UsageError(`${options.resolver} is not an ENSIP-10 extended resolver on chain ${chain.chainId}`);

  const registryOwner = await publicClient.readContract({ address: options.registry, abi: ensRegistryAbi, functionName: "owner", args: [node] });
  let via: "registry" | "nameWrapper";
  let transactionHash: string;
  if (isAddressEqual(registryOwner, account.address)) {
    via = "registry";
    transactionHash = (await chain.write(options.registry, ensRegistryAbi, "setResolver", [node, options.resolver])).transactionHash;
  } else {
    const wrappedOwner = await publicClient
      .readContract({ address: registryOwner, abi: nameWrapperAbi, functionName: "ownerOf", args: [BigInt(node)] })
      .catch(() => undefined);
    if (!wrappedOwner || !isAddressEqual(wrappedOwner, account.address)) {
      throw new UsageError(`${options.domain} is owned by ${wrappedOwner ?? registryOwner}, not by the signing account ${account.address}`);
    }
    via = "nameWrapper";
    transactionHash = (await chain.write(registryOwner, nameWrapperAbi, "setResolver", [node, options.resolver])).transactionHash;
  }
  const now = await publicClient.readContract({ address: options.registry, abi: ensRegistryAbi, functionName: "resolver", args: [node] });
  if (!isAddressEqual(now, options.resolver)) throw new Error(`The registry still names ${now} as the resolver of ${options.domain}`);
  return { via, transactionHash };
}
