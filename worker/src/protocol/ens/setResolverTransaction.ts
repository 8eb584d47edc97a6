import { type Address, encodeFunctionData, type Hex } from "viem";
import { namehash } from "viem/ens";
import { ensRegistryAbi } from "../../abi";

/** A transaction that fixes a domain's resolver, exactly: where to send it, its data, and in words. */
export type ResolverFix = { to: Address; data: Hex; description: string };

/**
 * The transaction the owner of `domain` sends to make `resolver` its resolver again: the ENS
 * registry's `setResolver(namehash(domain), resolver)` (for a name wrapped in ENS's NameWrapper,
 * the wrapper's `setResolver` with the same arguments — our CLI's `deploy set-resolver` picks the way).
 */
export function setResolverTransaction(registry: Address, domain: string, resolver: Address): ResolverFix {
  return {
    to: registry,
    data: encodeFunctionData({ abi: ensRegistryAbi, functionName: "setResolver", args: [namehash(domain), resolver] }),
    description:
      `as the owner of ${domain}, call setResolver(namehash("${domain}"), ${resolver}) on the ENS registry ${registry} ` +
      `(or run: npm run cli -- deploy set-resolver ${domain} --resolver ${resolver})`,
  };
}
