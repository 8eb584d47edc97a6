import { type Address, getAddress, type PublicClient, zeroAddress } from "viem";
import { normalize } from "viem/ens";
import { DM3_DELIVERY_SERVICE_TEXT_KEY, type DeliveryServiceProfile } from "./deliveryService";
import { DM3_PROFILE_TEXT_KEY, type SignedUserProfile } from "./profile";
import { type ProfileFetcher, readProfileRecord } from "./profileRecord";
import { type EnsCallClient, resolveRecord } from "../ens/resolveRecord";

/**
 * How ENS is read (by the SDK, and by the relay for names it does not serve): a viem public client (CCIP-Read on, the default), and — on chains without
 * ENS's UniversalResolver, such as a local dev chain — the ENS registry to walk (ENSIP-10).
 */
export type EnsReader = {
  /** A viem public client; a smaller client with `readContract`, `call`, `getBalance` and `getTransactionCount` works with a `registry`. */
  client: EnsCallClient & Pick<PublicClient, "getBalance" | "getTransactionCount"> & Partial<Pick<PublicClient, "getEnsText" | "getEnsAddress" | "getChainId">>;
  registry?: Address;
  /** How profile records that are URLs (`dm3Hash`) or `ipfs://` are fetched (default: `fetch`, no IPFS gateway). */
  profiles?: ProfileFetcher;
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

/**
 * The signed DM3 profile of any ENS name (`network.dm3.profile`, in any form dm3 allows: data, a
 * `dm3Hash` URL, IPFS), or undefined when it has none; {@link ProfileRecordError} when it points
 * at something that cannot be read or does not match.
 */
export async function resolveDm3Profile(ens: EnsReader, name: string): Promise<SignedUserProfile | undefined> {
  const json = (await readProfileRecord(await readEnsText(ens, name, DM3_PROFILE_TEXT_KEY), ens.profiles)) as Partial<SignedUserProfile> | undefined;
  return typeof json?.profile === "object" && json.profile !== null && typeof json.signature === "string" ? (json as SignedUserProfile) : undefined;
}

/** A delivery service's profile (`network.dm3.deliveryService` of its name, in any form dm3 allows), or undefined. */
export async function resolveDeliveryService(ens: EnsReader, name: string): Promise<DeliveryServiceProfile | undefined> {
  const profile = (await readProfileRecord(await readEnsText(ens, name, DM3_DELIVERY_SERVICE_TEXT_KEY), ens.profiles)) as
    | Partial<DeliveryServiceProfile>
    | undefined;
  if (typeof profile?.url !== "string" || typeof profile.publicEncryptionKey !== "string" || typeof profile.publicSigningKey !== "string") return undefined;
  return profile as DeliveryServiceProfile;
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
