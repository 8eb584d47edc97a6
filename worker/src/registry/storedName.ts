import type { Address, Hex } from "viem";
import { namehash } from "viem/ens";
import type { NameWithRecords } from "../db/nameReads";
import { OWNER_PROOF } from "../db/schema";
import { DM3_PROFILE_TEXT_KEY, encodeProfileRecord, verifySignedUserProfile } from "../protocol/dm3/profile";
import { assertNormalizedName } from "../protocol/ens/assertNormalizedName";
import { ETH_COIN_TYPE } from "../protocol/ens/coinTypes";
import { nameRecordsView } from "../shared/nameRecordsView";
import { findServingDomain, type ServedDomain, UnknownDomainError } from "../shared/servedDomains";
import type { NameView } from "./apiTypes";
import { InvalidProfileSignatureError } from "./errors";
import type { NameRecords } from "./schemas";

/** How strongly a write proves that `records.owner` controls the name (see {@link OWNER_PROOF}). */
export function ownerProofOf(records: Pick<NameRecords, "owner" | "dm3Profile">, signer: Address | undefined): number {
  if (signer && signer.toLowerCase() === records.owner.toLowerCase()) return OWNER_PROOF.ownerSignedWrite;
  // A stored profile is always verified against the owner first (toStoredName).
  return records.dm3Profile ? OWNER_PROOF.profileSignature : OWNER_PROOF.none;
}

/** The served domain `name` belongs to; the name must be ENSIP-15 normalized. */
export function domainOfName(domains: readonly ServedDomain[], name: string): ServedDomain {
  assertNormalizedName(name);
  const domain = findServingDomain(domains, name);
  if (!domain) throw new UnknownDomainError(name);
  return domain;
}

/**
 * The stored form of `records` for `name`: the DM3 profile verified against the owner and turned
 * into its text record; the owner is also the ETH address unless coin type 60 is set.
 */
export async function toStoredName(domain: ServedDomain, name: string, records: NameRecords): Promise<NameWithRecords> {
  const texts = { ...records.texts };
  if (records.dm3Profile) {
    if (!(await verifySignedUserProfile(records.dm3Profile, records.owner))) throw new InvalidProfileSignatureError(records.owner);
    texts[DM3_PROFILE_TEXT_KEY] = encodeProfileRecord(records.dm3Profile);
  }
  return {
    node: namehash(name),
    name,
    domain: domain.name,
    ownerAddress: records.owner,
    contenthash: records.contenthash,
    texts,
    addresses: { [ETH_COIN_TYPE]: records.owner.toLowerCase() as Hex, ...records.addresses },
  };
}

/** The API view of a stored name (the inverse of {@link toStoredName}). */
export function toNameView(entry: NameWithRecords): NameView {
  return { name: entry.name, domain: entry.domain, ...nameRecordsView(entry) };
}
