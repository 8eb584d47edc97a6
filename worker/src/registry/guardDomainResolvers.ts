import { type Address, getAddress, isAddressEqual, labelhash, parseAbi, toHex, zeroAddress } from "viem";
import { namehash, packetToBytes } from "viem/ens";
import { ensRegistryAbi } from "../abi";
import type { Database } from "../db/client";
import { listResolverChecks, saveResolverCheck } from "../db/resolverChecks";
import type { ResolverCheckRow } from "../db/schema";
import type { EnsReader } from "../protocol/dm3/resolveDm3";
import { EnsNoResolverError, EnsResolverNotExtendedError } from "../protocol/ens/errors";
import { findResolver } from "../protocol/ens/resolveRecord";
import { type ResolverFix, setResolverTransaction } from "../protocol/ens/setResolverTransaction";
import { isContractRefusal } from "../shared/dm3Directory";
import type { ServedDomain } from "../shared/servedDomains";

const registrarAbi = parseAbi(["function nameExpires(uint256 id) view returns (uint256)"]);
const universalResolverAbi = parseAbi(["function findResolver(bytes name) view returns (address resolver, bytes32 node, uint256 offset)"]);

/** Each domain is checked at most this often (the cron runs every 5 minutes). */
export const RESOLVER_CHECK_INTERVAL_SECONDS = 60 * 60;
/** A .eth registration ending within this time is a problem to fix now. */
export const EXPIRY_WARNING_SECONDS = 30 * 24 * 60 * 60;
/** Domains checked per run (each costs a few RPC calls). */
const DOMAINS_PER_RUN = 50;

/** A domain whose state changed: it went wrong (`problem`), or was put right. */
export type ResolverGuardChange = { domain: ServedDomain; problem: string | null; fix: ResolverFix | null };

export type ResolverGuardContext = {
  db: Database;
  domains: readonly ServedDomain[];
  ens: EnsReader;
  /** ENS's UniversalResolver (follows ENSv2), asked as well as the registry walk; undefined: the walk only. */
  universalResolver?: Address | undefined;
  nowSeconds: number;
};

/**
 * The resolver guard (cron): for every served domain not checked within the interval, walks the
 * ENS registry as a client does (ENSIP-10: the nearest name with a resolver, from a subname up) and
 * checks that it reaches the resolver the gateway signs for, and that a `.eth` parent is not within
 * 30 days of expiry. A parent that lost its resolver (cleared by a migration, changed by mistake)
 * makes every subname stop resolving, and nobody notices until users complain: each check is
 * stored (`/health` shows the problems, with the transaction that fixes them), and the domains whose
 * state changed are returned (the caller tells their webhooks). A chain that cannot be read skips
 * the domain until the next run — an outage is not a finding.
 */
export async function guardDomainResolvers(context: ResolverGuardContext): Promise<{ checked: number; changes: ResolverGuardChange[] }> {
  const previous = new Map((await listResolverChecks(context.db)).map((row) => [row.domain, row]));
  const due = context.domains
    .filter((domain) => (previous.get(domain.name)?.checkedAtSeconds ?? 0) <= context.nowSeconds - RESOLVER_CHECK_INTERVAL_SECONDS)
    .slice(0, DOMAINS_PER_RUN);
  const changes: ResolverGuardChange[] = [];
  let checked = 0;
  for (const domain of due) {
    const row = await checkDomain(context, domain).catch((error: unknown) => {
      console.warn(`resolver guard: ${domain.name} not checked (chain unreadable: ${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
      return undefined;
    });
    if (!row) continue;
    checked++;
    await saveResolverCheck(context.db, row);
    const before = previous.get(domain.name);
    if ((before?.problem ?? null) !== row.problem && (before !== undefined || row.problem !== null)) {
      changes.push({ domain, problem: row.problem, fix: row.fix ? (JSON.parse(row.fix) as ResolverFix) : null });
    }
  }
  return { checked, changes };
}

async function checkDomain(context: ResolverGuardContext, domain: ServedDomain): Promise<ResolverCheckRow> {
  const { client, registry } = context.ens;
  if (!registry) throw new Error("no ENS registry configured");
  // What a client finds for any subname: the nearest name up the tree that has a resolver.
  const onChain = await findResolver(client, registry, `resolver-guard.${domain.name}`).then(
    (found) => found.resolver,
    (error: unknown) => {
      if (error instanceof EnsNoResolverError) return zeroAddress;
      if (error instanceof EnsResolverNotExtendedError) return error.resolver as Address;
      throw error;
    },
  );
  const problems: string[] = [];
  let fix: ResolverFix | null = null;
  if (!isAddressEqual(onChain, domain.resolverAddress)) {
    problems.push(
      isAddressEqual(onChain, zeroAddress)
        ? `${domain.name} has no resolver on chain: none of its names resolve`
        : `${domain.name} resolves through ${getAddress(onChain)}, not ${domain.resolverAddress} (the resolver this gateway signs for): its names do not resolve`,
    );
    fix = setResolverTransaction(registry, domain.name, domain.resolverAddress);
  }
  if (context.universalResolver && problems.length === 0) {
    const [viaUniversal] = await client
      .readContract({
        address: context.universalResolver,
        abi: universalResolverAbi,
        functionName: "findResolver",
        args: [toHex(packetToBytes(`resolver-guard.${domain.name}`))],
      })
      .catch((error: unknown) => {
        // The contract refusing (no resolver: ResolverNotFound) is an answer; an unreachable RPC is not.
        if (isContractRefusal(error)) return [zeroAddress] as const;
        throw error;
      });
    if (!isAddressEqual(viaUniversal, domain.resolverAddress)) {
      problems.push(
        `ENS's Universal Resolver (which follows ENSv2) finds ${isAddressEqual(viaUniversal, zeroAddress) ? "no resolver" : getAddress(viaUniversal)} for ${domain.name}, not ${domain.resolverAddress}: clients that ask it do not resolve its names`,
      );
      fix = setResolverTransaction(registry, domain.name, domain.resolverAddress);
    }
  }
  const expiresAtSeconds = await dotEthExpiry(context.ens, registry, domain.name);
  if (expiresAtSeconds !== null && expiresAtSeconds < context.nowSeconds + EXPIRY_WARNING_SECONDS) {
    problems.push(
      `${domain.name} ${expiresAtSeconds < context.nowSeconds ? "expired" : "expires"} on ${new Date(expiresAtSeconds * 1000).toISOString().slice(0, 10)}: renew it`,
    );
  }
  return {
    domain: domain.name,
    checkedAtSeconds: context.nowSeconds,
    resolverOnChain: getAddress(onChain),
    expiresAtSeconds,
    problem: problems.length > 0 ? problems.join("; ") : null,
    fix: fix ? JSON.stringify(fix) : null,
  };
}

/** When a second-level `.eth` name's registration ends (the registrar owns `eth`), or null where the chain does not say. */
async function dotEthExpiry(ens: EnsReader, registry: Address, name: string): Promise<number | null> {
  const labels = name.split(".");
  if (labels.length !== 2 || labels[1] !== "eth") return null;
  const registrar = await ens.client.readContract({ address: registry, abi: ensRegistryAbi, functionName: "owner", args: [namehash("eth")] });
  const expires = await ens.client
    .readContract({ address: registrar, abi: registrarAbi, functionName: "nameExpires", args: [BigInt(labelhash(labels[0] as string))] })
    .catch(() => null);
  return expires === null || expires === 0n ? null : Number(expires);
}
