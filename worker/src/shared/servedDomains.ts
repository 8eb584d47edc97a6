import type { Address } from "viem";
import type { D1Client } from "../db/d1Clients";
import { listServedDomainRows } from "../db/lookupReads";
import { AppError } from "../http/AppError";
import { createIsolateCache } from "./isolateCache";

/** The name is not (under) a domain this worker serves: 404. */
export class UnknownDomainError extends AppError {
  override readonly name = "UnknownDomainError";
  readonly code = "unknown_domain";
  readonly status = 404;
  constructor(name: string) {
    super(`"${name}" is not under a registered domain`);
  }
}

/** A parent name the gateway answers for, and the resolver contract that verifies its answers. */
export type ServedDomain = {
  name: string;
  resolverAddress: Address;
  chainId: number;
  allowAddressNames: boolean;
  /** Gateway mode: set when the domain's envelopes go to a webhook (the secret is never cached here). */
  webhookUrl: string | null;
  /** The D1 binding that holds the domain's names (see `domains.database`). */
  database: string;
};

/**
 * How long an isolate reuses the domain list. Domains change rarely (admin only) while every lookup
 * needs them, so this saves one D1 round trip per lookup; writes in this isolate call
 * {@link forgetServedDomains}, other isolates see a change within this window.
 */
export const SERVED_DOMAINS_CACHE_MS = 30_000;

const memory = createIsolateCache<ServedDomain[]>(1);
const SERVED = "served domains";
/** Bumped by every change, so a read that started before it does not remember what it read. */
let changes = 0;

/** Every served domain, from the isolate's memory when fresh (`primary` is opened only to read them). */
export async function listServedDomains(primary: () => D1Client, nowMs: number): Promise<ServedDomain[]> {
  const remembered = memory.recall(SERVED, nowMs);
  if (remembered) return remembered;
  const changesBefore = changes;
  const domains: ServedDomain[] = await listServedDomainRows(primary());
  if (changes === changesBefore) memory.remember(SERVED, domains, nowMs + SERVED_DOMAINS_CACHE_MS);
  return domains;
}

/** Drops the remembered list so the next lookup reads D1 (call after changing domains). */
export function forgetServedDomains(): void {
  changes++;
  memory.forget(SERVED);
}

/**
 * The served domain `name` belongs to: the longest served suffix (`alice.demo.eth` → `demo.eth`),
 * including the domain itself. Any depth of subname matches (ENSIP-10 wildcard).
 */
export function findServingDomain(domains: readonly ServedDomain[], name: string): ServedDomain | undefined {
  let best: ServedDomain | undefined;
  for (const domain of domains) {
    const matches = name === domain.name || name.endsWith(`.${domain.name}`);
    if (matches && (!best || domain.name.length > best.name.length)) best = domain;
  }
  return best;
}

/** The served domain called exactly `name`; 404 ({@link UnknownDomainError}) when there is none. */
export function servedDomainNamed(domains: readonly ServedDomain[], name: string): ServedDomain {
  const domain = domains.find((candidate) => candidate.name === name);
  if (!domain) throw new UnknownDomainError(name);
  return domain;
}
