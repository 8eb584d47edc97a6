import { getAddress } from "viem";
import type { NameWithRecords } from "../db/nameReads";
import { DM3_PROFILE_TEXT_KEY, decodeProfileRecord } from "../protocol/dm3/profile";

/**
 * A stored name's records as people and clients see them: the checksummed owner, the text records
 * without the DM3 profile's, and the profile itself as an object (null when none).
 */
export function nameRecordsView(entry: NameWithRecords) {
  const { [DM3_PROFILE_TEXT_KEY]: profileRecord, ...texts } = entry.texts;
  return {
    owner: getAddress(entry.ownerAddress),
    texts,
    addresses: entry.addresses,
    contenthash: entry.contenthash,
    dm3Profile: decodeProfileRecord(profileRecord) ?? null,
  };
}
