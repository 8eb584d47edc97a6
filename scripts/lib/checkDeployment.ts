import { type Address, isAddressEqual, type PublicClient, zeroAddress } from "viem";
import { createRegistryClient } from "../../sdk/src/index";
import { namehash } from "viem/ens";
import { ensRegistryAbi, EXTENDED_RESOLVER_INTERFACE_ID, offchainResolverAbi, resolverAdminAbi } from "../../worker/src/abi";
import { resolveRecord } from "../../worker/src/protocol/ens/resolveRecord";
import { setResolverTransaction } from "../../worker/src/protocol/ens/setResolverTransaction";

/** One finding of {@link checkDeployment}. */
export type Check = { ok: boolean; what: string; detail: string };

/**
 * Checks that a domain is wired up end to end, the way a client would find out otherwise: the
 * registry names a resolver, it is an ENSIP-10 resolver, it trusts the worker's current signer and
 * sends clients to this worker, the worker serves the domain for that resolver and chain, its
 * resolver guard found nothing wrong, and a lookup of a subname verifies on chain. A lost resolver
 * comes with the exact transaction that puts it back.
 */
export async function checkDeployment(options: { client: PublicClient; registry: Address; domain: string; gatewayUrl: string }): Promise<Check[]> {
  const { client, domain } = options;
  const checks: Check[] = [];
  const check = (ok: boolean, what: string, detail: string) => checks.push({ ok, what, detail });

  const health = await createRegistryClient({ url: options.gatewayUrl }).health();
  const served = health.resolvers.find((entry) => entry.domain === domain);
  // The one transaction that puts a lost resolver back (what the worker's resolver guard names too).
  const fix = served ? `; fix: ${setResolverTransaction(options.registry, domain, served.resolver).description}` : "";
  const resolver = await client.readContract({ address: options.registry, abi: ensRegistryAbi, functionName: "resolver", args: [namehash(domain)] });
  check(resolver !== zeroAddress, "the registry names a resolver", resolver === zeroAddress ? `no resolver set for ${domain}${fix}` : resolver);
  if (resolver === zeroAddress) return checks;
  const extended = await client
    .readContract({ address: resolver, abi: offchainResolverAbi, functionName: "supportsInterface", args: [EXTENDED_RESOLVER_INTERFACE_ID] })
    .catch(() => false);
  check(
    extended,
    "the resolver is an ENSIP-10 extended resolver",
    extended ? "supportsInterface(0x9061b923)" : `${resolver} does not support IExtendedResolver`,
  );
  if (!extended) return checks;

  const signers = await client.readContract({ address: resolver, abi: resolverAdminAbi, functionName: "signers" }).catch(() => [] as readonly Address[]);
  const trusted = signers.some((signer) => isAddressEqual(signer, health.signer));
  check(
    trusted,
    "the resolver trusts the worker's signer",
    trusted ? health.signer : `worker signs with ${health.signer}; resolver trusts ${signers.join(", ") || "nobody"}`,
  );

  const urls = await client.readContract({ address: resolver, abi: resolverAdminAbi, functionName: "urls" }).catch(() => [] as readonly string[]);
  const origin = new URL(options.gatewayUrl).origin;
  const pointsHere = urls.some((url) => url.startsWith(origin));
  check(pointsHere, "the resolver sends clients to this worker", pointsHere ? urls.join(", ") : `${urls.join(", ") || "no URLs"} (worker: ${origin})`);

  const chainId = await client.getChainId();
  const servedRight = served !== undefined && isAddressEqual(served.resolver, resolver) && served.chainId === chainId;
  check(
    servedRight,
    "the worker serves the domain for this resolver and chain",
    served
      ? `${served.resolver} on chain ${served.chainId}${isAddressEqual(served.resolver, resolver) ? "" : fix}`
      : `${domain} is not registered in the worker (npm run cli -- domain add)`,
  );
  const guarded = health.resolverProblems?.find((entry) => entry.domain === domain);
  check(
    !guarded,
    "the worker's resolver guard finds nothing wrong",
    guarded ? `${guarded.problem}${guarded.fix ? `; fix: ${guarded.fix.description}` : ""}` : "no problem on its last check",
  );

  try {
    await resolveRecord(client, options.registry, `deployment-check.${domain}`, { kind: "addr" });
    check(true, "a subname lookup verifies on chain (CCIP-Read)", `deployment-check.${domain}`);
  } catch (error) {
    check(
      false,
      "a subname lookup verifies on chain (CCIP-Read)",
      ((error as { shortMessage?: string }).shortMessage ?? (error as Error).message).split("\n")[0] ?? "",
    );
  }
  return checks;
}
