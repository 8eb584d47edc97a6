import { type Address, getAddress, type Hex, type LocalAccount, verifyMessage } from "viem";
import { stringify } from "./stringify";

/** ENS text record key that carries a user's signed DM3 profile. */
export const DM3_PROFILE_TEXT_KEY = "network.dm3.profile";

/** Prefix of a DM3 profile text record: raw JSON, not percent-encoded (dm3 clients do not decode it). */
export const DM3_PROFILE_RECORD_PREFIX = "data:application/json,";

/** A DM3 user profile: public keys (standard base64) and delivery-service ENS names, primary first. */
export type UserProfile = {
  publicEncryptionKey: string;
  publicSigningKey: string;
  deliveryServices: string[];
};

/** A profile with its owner's EIP-191 signature of {@link profileSignatureMessage}. */
export type SignedUserProfile = { profile: UserProfile; signature: Hex };

/**
 * The exact text a profile owner signs with `personal_sign` (dm3's wording, typo included).
 *
 * @example profileSignatureMessage(profile, "0xAbC…") // "dm3.chat wants you register your dm3 profile…"
 * @see https://github.com/dm3-org/dm3/blob/main/packages/lib/profile/src/Profile.ts
 */
export function profileSignatureMessage(profile: UserProfile, owner: Address): string {
  return [
    "dm3.chat wants you register your dm3 profile with your Ethereum account:",
    getAddress(owner),
    "",
    "This is required only once!",
    "(There is no paid transaction initiated. The signature is used off-chain only.)",
    "",
    "URI: https://dm3.chat",
    "Version: 1",
    `dm3 Profile: ${stringify(profile)}`,
  ].join("\n");
}

/** Signs `profile` with the owner's wallet, as dm3's clients do. */
export async function signUserProfile(owner: LocalAccount, profile: UserProfile): Promise<SignedUserProfile> {
  const signature = await owner.signMessage({ message: profileSignatureMessage(profile, owner.address) });
  return { profile, signature };
}

/** Whether `signed` was signed by `owner` (a profile is only valid for a name whose address signed it). */
export function verifySignedUserProfile(signed: SignedUserProfile, owner: Address): Promise<boolean> {
  return verifyMessage({
    address: owner,
    message: profileSignatureMessage(signed.profile, owner),
    signature: signed.signature,
  });
}

/**
 * The `network.dm3.profile` text record value for a signed profile.
 *
 * @example encodeProfileRecord(signed) // 'data:application/json,{"profile":{…},"signature":"0x…"}'
 */
export function encodeProfileRecord(signed: SignedUserProfile): string {
  return DM3_PROFILE_RECORD_PREFIX + stringify(signed);
}

/** The signed profile inside a `network.dm3.profile` record value, or undefined if it holds none. */
export function decodeProfileRecord(value: string | undefined): SignedUserProfile | undefined {
  if (!value?.startsWith(DM3_PROFILE_RECORD_PREFIX)) return undefined;
  try {
    const parsed = JSON.parse(value.slice(DM3_PROFILE_RECORD_PREFIX.length)) as SignedUserProfile;
    return typeof parsed?.profile === "object" && typeof parsed.signature === "string" ? parsed : undefined;
  } catch {
    return undefined; // Not JSON: not a profile this registry wrote.
  }
}
