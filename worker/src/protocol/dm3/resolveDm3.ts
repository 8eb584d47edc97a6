import { type Address, getAddress, type PublicClient, zeroAddress } from "viem";
import { normalize } from "viem/ens";
import { DM3_DELIVERY_SERVICE_TEXT_KEY, type DeliveryServiceProfile } from "./deliveryService";
import { DM3_PROFILE_RECORD_PREFIX, DM3_PROFILE_TEXT_KEY, decodeProfileRecord, type SignedUserProfile } from "./profile";
import { type EnsCallClient, resolveRecord } from "../ens/resolveRecord";

/**
 * How ENS is read (by the SDK, and by the relay for names it does not serve): a viem public client (CCIP-Read on, the default), and — on chains without
 * ENS's UniversalResolver, such as a local dev chain — the ENS registry to walk (ENSIP-10).
 */
export type EnsReader = {
  /** A viem public client; a smaller client with `readContract`, `call`, `getBalance` and `getTransactionCount` works with a `registry`. */
  client: EnsCallClient & Pick<PublicClient, "getBalance" | "getTransactionCount"> & Partial<Pick<PublicClient, "getEnsText" | "getEnsAddress">>;
  registry?: Address;
};

/** The client's UniversalResolver lookups, for readers without a registry to walk. */
function universal(ens: EnsReader) {
  const { getEnsText, getEnsAddress } = ens.client;
  if (!getEnsText || !getEnsAddress) throw new Error("EnsReader: pass a registry, or a viem public client (with getEnsText/getEnsAddress)");
  return { getEnsText, getEnsAddress };
}

/** A text record of `name`, as any ENS client reads it ("" when unset). */
export async function readEnsText(ens: EnsReader, name: string, key: string): Promise<string> {
  if (ens.registry) return resolveRecord(ens.client, ens.registry, name, { kind: "text", key });
  return (await universal(ens).getEnsText({ name: normalize(name), key })) ?? "";
}

/** The ETH address of `name` (`addr(node)`), or undefined when it has none. */
export async function readEnsAddress(ens: EnsReader, name: string): Promise<Address | undefined> {
  const value = ens.registry
    ? await resolveRecord(ens.client, ens.registry, name, { kind: "addr" })
    : await universal(ens).getEnsAddress({ name: normalize(name) });
  return value && value !== zeroAddress ? getAddress(value) : undefined;
}

/** A delivery service's ENS name with its profile (keys and URL). */
export type ResolvedDeliveryService = { name: string; profile: DeliveryServiceProfile };

/** A DM3 user as senders see them: the signed profile and every delivery service it lists. */
export type ResolvedDm3User = { name: string; signedProfile: SignedUserProfile; deliveryServices: ResolvedDeliveryService[] };

/** The signed DM3 profile of any ENS name (`network.dm3.profile`), or undefined when it has none. */
export async function resolveDm3Profile(ens: EnsReader, name: string): Promise<SignedUserProfile | undefined> {
  return decodeProfileRecord(await readEnsText(ens, name, DM3_PROFILE_TEXT_KEY));
}

/** A delivery service's profile (`network.dm3.deliveryService` of its name), or undefined. */
export async function resolveDeliveryService(ens: EnsReader, name: string): Promise<DeliveryServiceProfile | undefined> {
  const text = await readEnsText(ens, name, DM3_DELIVERY_SERVICE_TEXT_KEY);
  if (!text.startsWith(DM3_PROFILE_RECORD_PREFIX)) return undefined;
  try {
    const profile = JSON.parse(text.slice(DM3_PROFILE_RECORD_PREFIX.length)) as Partial<DeliveryServiceProfile>;
    if (typeof profile.url !== "string" || typeof profile.publicEncryptionKey !== "string" || typeof profile.publicSigningKey !== "string") return undefined;
    return profile as DeliveryServiceProfile;
  } catch {
    return undefined;
  }
}

/**
 * Everything a sender needs about `name`: its DM3 profile and the profiles of the delivery
 * services it lists (those that resolve), in the profile's order (first = primary).
 */
export async function resolveDm3User(ens: EnsReader, name: string): Promise<ResolvedDm3User | undefined> {
  const signedProfile = await resolveDm3Profile(ens, name);
  if (!signedProfile) return undefined;
  const resolved = await Promise.all(
    signedProfile.profile.deliveryServices.map(async (dsName) => {
      const profile = await resolveDeliveryService(ens, dsName).catch(() => undefined);
      return profile && { name: dsName, profile };
    }),
  );
  return { name, signedProfile, deliveryServices: resolved.filter((item): item is ResolvedDeliveryService => item !== undefined) };
}
