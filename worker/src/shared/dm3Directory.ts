import { type Address, BaseError, ContractFunctionRevertedError, getAddress, HttpRequestError, TimeoutError } from "viem";
import { namehash } from "viem/ens";
import type { Database } from "../db/client";
import { findAddressRecords } from "../db/nameReads";
import { AppError } from "../http/AppError";
import type { SignedUserProfile } from "../protocol/dm3/profile";
import { verifySignedUserProfile } from "../protocol/dm3/profile";
import type { DeliveryServiceProfile } from "../protocol/dm3/deliveryService";
import { type EnsReader, readEnsAddress, resolveDeliveryService, resolveDm3Profile } from "../protocol/dm3/resolveDm3";
import { EnsNoResolverError, EnsResolverNotExtendedError } from "../protocol/ens/errors";
import { ProfileRecordError } from "../protocol/dm3/profileRecord";
import { OutsideRequestRefusedError } from "../net/outsideFetch";
import { findDm3Profile } from "./findDm3Profile";
import { createIsolateCache } from "./isolateCache";
import { findServingDomain, type ServedDomain } from "./servedDomains";

/** A DM3 user as the relay sees them: their signed profile, and where it was read. */
export type Dm3Contact = {
  name: string;
  signedProfile: SignedUserProfile;
  /** True for names this worker serves (read from D1, never cached); false for names read from ENS. */
  servedHere: boolean;
};

/**
 * Who is who on the DM3 network, from the relay's point of view: names this worker serves are
 * answered from D1 directly (never by calling itself over HTTP, always fresh); any other name is
 * resolved through ENS on L1 (registry → ENSIP-10 resolver → CCIP-Read) and kept for `cacheMs`.
 */
export type Dm3Directory = {
  /** The name's DM3 profile (for names read from ENS: only one signed by the name's address), or undefined. */
  profile(name: string): Promise<Dm3Contact | undefined>;
  /** The name's ETH address, or undefined when it has none. */
  address(name: string): Promise<Address | undefined>;
  /** A delivery service's profile (`network.dm3.deliveryService` of its name, through ENS), or undefined. */
  deliveryService(name: string): Promise<DeliveryServiceProfile | undefined>;
};

/** ENS could not be read (RPC endpoint or a name's gateway failing): the answer is unknown, so 502. */
export class ChainUnavailableError extends AppError {
  override readonly name = "ChainUnavailableError";
  readonly code = "chain_unavailable";
  readonly status = 502;
  constructor(name: string, cause: unknown) {
    // Not chained as `cause`: viem's messages carry the RPC URL, which may hold a provider's API key.
    super(`Could not read ENS for ${name}: the L1 RPC endpoint or the name's gateway failed; try again later`, {
      metaMessages: [describeCause(cause)],
    });
  }
}

const cache = createIsolateCache(10_000);

export type Dm3DirectoryContext = {
  /** The database of a served domain's names. */
  namesOf: (domain: ServedDomain) => Database;
  domains: () => Promise<ServedDomain[]>;
  /** How ENS is read, or undefined when no L1 RPC endpoint is configured (only served names are known). */
  ens: EnsReader | undefined;
  cacheMs: number;
  nowMs: () => number;
};

/** The directory of one request or cron run. */
export function createDm3Directory(context: Dm3DirectoryContext): Dm3Directory {
  /** The database holding `name` when this worker serves it. */
  const servedHere = async (name: string): Promise<Database | undefined> => {
    const domain = findServingDomain(await context.domains(), name);
    return domain && context.namesOf(domain);
  };

  /** `read` through the isolate's cache, keyed by what is read and where (registry + name). */
  const cached = async <T>(kind: string, name: string, read: (ens: EnsReader) => Promise<T>): Promise<T | undefined> => {
    const ens = context.ens;
    if (!ens) return undefined;
    return cache.read(`${kind}|${ens.registry ?? ""}|${name}`, context.cacheMs, context.nowMs(), () =>
      read(ens).catch((error: unknown) => {
        if (meansNoRecord(error)) return undefined;
        // The name's gateways are ones we do not call (private targets, redirects, huge answers, too
        // many requests): for us the name has no such record — an answer, never an outage to retry.
        const refused = findOutsideRefusal(error);
        if (refused) {
          console.warn(`ENS ${kind} of ${name}: treated as unset, ${refused.message}`);
          return undefined;
        }
        // The record is there but points at something unreadable or not matching: an answer, not an outage.
        if (error instanceof ProfileRecordError) throw error;
        throw new ChainUnavailableError(name, error);
      }),
    );
  };

  const address = async (name: string): Promise<Address | undefined> => {
    const db = await servedHere(name);
    if (db) {
      const value = (await findAddressRecords(db, namehash(name), [60])).get(60);
      return value && value.length === 42 ? getAddress(value) : undefined;
    }
    return cached("addr", name, (ens) => readEnsAddress(ens, name));
  };

  return {
    address,
    deliveryService: (name) => cached("ds", name, (ens) => resolveDeliveryService(ens, name)),
    async profile(name) {
      const db = await servedHere(name);
      if (db) {
        const signedProfile = await findDm3Profile(db, name);
        return signedProfile && { name, signedProfile, servedHere: true };
      }
      return cached("profile", name, async (ens): Promise<Dm3Contact | undefined> => {
        const [signedProfile, owner] = await Promise.all([resolveDm3Profile(ens, name), readEnsAddress(ens, name)]);
        // dm3's rule: a profile counts only when the name's address signed it.
        if (!signedProfile || !owner || !(await verifySignedUserProfile(signedProfile, owner).catch(() => false))) return undefined;
        return { name, signedProfile, servedHere: false };
      });
    },
  };
}

/** Whether the contract itself answered "no" (it reverted, or has no such function) — an answer, not an outage. */
export function isContractRefusal(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false;
  if (error.walk((inner) => inner instanceof HttpRequestError || inner instanceof TimeoutError)) return false;
  return (
    error.walk((inner) => inner instanceof ContractFunctionRevertedError || (inner instanceof BaseError && inner.name === "AbiDecodingZeroDataError")) !== null
  );
}

/** Errors that mean "this name has no such record" rather than "ENS could not be read" (anything unclassified counts as an outage). */
function meansNoRecord(error: unknown): boolean {
  if (error instanceof EnsNoResolverError || error instanceof EnsResolverNotExtendedError) return true;
  if (!(error instanceof BaseError)) return false;
  // A name's own gateway saying "no such name" (a 4xx other than 408/429) is an answer.
  const offchain = error.walk((inner) => inner instanceof BaseError && inner.name === "OffchainLookupError");
  const gatewayStatus =
    offchain instanceof BaseError ? (offchain.walk((inner) => inner instanceof HttpRequestError) as HttpRequestError | null)?.status : undefined;
  if (gatewayStatus !== undefined && gatewayStatus >= 400 && gatewayStatus < 500 && gatewayStatus !== 408 && gatewayStatus !== 429) return true;
  return isContractRefusal(error);
}

/** The outside policy's refusal somewhere in `error`'s causes (viem wraps the gateway request's error). */
function findOutsideRefusal(error: unknown): OutsideRequestRefusedError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 12; current = current.cause, depth++) {
    if (current instanceof OutsideRequestRefusedError) return current;
  }
  return undefined;
}

function describeCause(cause: unknown): string {
  const parts: string[] = [];
  for (let current = cause, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth++) {
    parts.push(current instanceof BaseError ? current.shortMessage : (current.message.split("\n")[0] ?? ""));
  }
  return parts.join(" ← ").replace(/https?:\/\/\S+/g, "<url>");
}
