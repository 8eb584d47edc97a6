import { env } from "cloudflare:test";
import { type Address, labelhash, zeroAddress } from "viem";
import { namehash } from "viem/ens";
import { describe, expect, test } from "vitest";
import { createDatabase } from "../db/client";
import type { EnsReader } from "../protocol/dm3/resolveDm3";
import type { ServedDomain } from "../shared/servedDomains";
import { EXPIRY_WARNING_SECONDS, guardDomainResolvers, RESOLVER_CHECK_INTERVAL_SECONDS } from "./guardDomainResolvers";

// The guard's decisions over a chain whose answers each test sets (the end-to-end test in
// test/e2e/operations.test.ts runs it against a real chain; the local chain has no .eth registrar,
// so expiry is shown here).

const db = createDatabase(env.DB);
const REGISTRY: Address = "0x00000000000C2E074eC69A0dFb2997BA6C7d2e1e";
const REGISTRAR: Address = "0x57f1887a8BF19b14fC0dF6Fd9B2acc9Af147eA85";
const RESOLVER: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const NOW = 1_900_000_000;

type Chain = { resolverOf: Map<string, Address>; expiresOf: Map<string, bigint>; down?: boolean };

/** A chain that answers the registry's `resolver`/`owner`, resolvers' `supportsInterface` and the registrar's `nameExpires`. */
function chainReader(chain: Chain): EnsReader {
  const readContract = async ({ address, functionName, args }: { address: Address; functionName: string; args?: readonly unknown[] }) => {
    if (chain.down) throw new Error("HTTP request failed: connection refused");
    if (functionName === "resolver") return chain.resolverOf.get(args?.[0] as string) ?? zeroAddress;
    if (functionName === "supportsInterface") return true;
    if (functionName === "owner" && address === REGISTRY) return args?.[0] === namehash("eth") ? REGISTRAR : zeroAddress;
    if (functionName === "nameExpires") return chain.expiresOf.get(String(args?.[0])) ?? 0n;
    throw new Error(`unexpected call ${functionName}`);
  };
  return { client: { readContract, call: async () => ({}) } as unknown as EnsReader["client"], registry: REGISTRY };
}

const domain = (name: string): ServedDomain => ({ name, resolverAddress: RESOLVER, chainId: 1, allowAddressNames: false, webhookUrl: null, database: "DB" });
const guard = (chain: Chain, domains: ServedDomain[], nowSeconds: number) => guardDomainResolvers({ db, domains, ens: chainReader(chain), nowSeconds });

describe("the resolver guard", () => {
  test("a .eth parent within 30 days of expiry is a problem (no transaction fixes it: renew); far from it, none", async () => {
    const soon = domain("soon-expiring.eth");
    const later = domain("long-lived.eth");
    const chain: Chain = {
      resolverOf: new Map([
        [namehash(soon.name), RESOLVER],
        [namehash(later.name), RESOLVER],
      ]),
      expiresOf: new Map([
        [String(BigInt(labelhash("soon-expiring"))), BigInt(NOW + EXPIRY_WARNING_SECONDS - 60)],
        [String(BigInt(labelhash("long-lived"))), BigInt(NOW + 365 * 86_400)],
      ]),
    };
    const { checked, changes } = await guard(chain, [soon, later], NOW);
    expect(checked).toBe(2);
    expect(changes).toEqual([{ domain: soon, problem: expect.stringMatching(/^soon-expiring\.eth expires on \d{4}-\d{2}-\d{2}: renew it$/), fix: null }]);
  });

  test("tells a change once: lost, then nothing while it stays lost, then restored; an hour between checks", async () => {
    const guarded = domain("guarded.eth");
    const chain: Chain = { resolverOf: new Map(), expiresOf: new Map([[String(BigInt(labelhash("guarded"))), BigInt(NOW + 365 * 86_400)]]) };
    const lost = await guard(chain, [guarded], NOW);
    expect(lost.changes.map((change) => change.problem)).toEqual(["guarded.eth has no resolver on chain: none of its names resolve"]);
    expect(lost.changes[0]?.fix).toMatchObject({ to: REGISTRY, data: expect.stringMatching(/^0x1896f70a/) });

    expect((await guard(chain, [guarded], NOW + 60)).checked).toBe(0);
    expect((await guard(chain, [guarded], NOW + RESOLVER_CHECK_INTERVAL_SECONDS)).changes).toEqual([]);

    chain.resolverOf.set(namehash(guarded.name), RESOLVER);
    const restored = await guard(chain, [guarded], NOW + 2 * RESOLVER_CHECK_INTERVAL_SECONDS);
    expect(restored.changes).toEqual([{ domain: guarded, problem: null, fix: null }]);
  });

  test("another resolver on chain is a problem naming both; a first check that finds all well tells nothing", async () => {
    const moved = domain("moved.eth");
    const fine = domain("fine.eth");
    const other: Address = "0x1111111111111111111111111111111111111111";
    const chain: Chain = {
      resolverOf: new Map([
        [namehash(moved.name), other],
        [namehash(fine.name), RESOLVER],
      ]),
      expiresOf: new Map(),
    };
    const { changes } = await guard(chain, [moved, fine], NOW);
    expect(changes.map((change) => change.domain.name)).toEqual(["moved.eth"]);
    expect(changes[0]?.problem).toBe(`moved.eth resolves through ${other}, not ${RESOLVER} (the resolver this gateway signs for): its names do not resolve`);
  });

  test("a chain that cannot be read is no finding: the domain is skipped and checked next run", async () => {
    const unreadable = domain("unreadable.eth");
    const chain: Chain = { resolverOf: new Map(), expiresOf: new Map(), down: true };
    expect(await guard(chain, [unreadable], NOW)).toEqual({ checked: 0, changes: [] });
    chain.down = false;
    expect((await guard(chain, [unreadable], NOW + 60)).checked).toBe(1);
  });
});
