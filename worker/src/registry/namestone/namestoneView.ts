import { getAddress, type Hex, isAddress } from "viem";
import type { NameWithRecords } from "../../db/nameReads";
import { DM3_PROFILE_TEXT_KEY, decodeProfileRecord } from "../../protocol/dm3/profile";
import { ETH_COIN_TYPE, isEvmCoinType } from "../../protocol/ens/coinTypes";
import { contenthashUri } from "../../protocol/ens/contenthashUri";
import { NameRecordsSchema, type NameRecords } from "../schemas";
import { InvalidInputError, validate } from "../../http/validate";

/** A name as NameStone's API answers it (`NameData` in its SDK); `name` is the label. */
export type NamestoneName = {
  name: string;
  address: string;
  domain: string;
  text_records?: Record<string, string>;
  coin_types?: Record<string, string>;
  contenthash?: string;
};

/** A stored name in NameStone's shape (its DM3 profile is a text record there, as on chain). */
export function namestoneView(entry: NameWithRecords, withTexts: boolean): NamestoneName {
  const label = entry.name === entry.domain ? "" : entry.name.slice(0, -(entry.domain.length + 1));
  const { [ETH_COIN_TYPE]: eth, ...others } = entry.addresses;
  const coinTypes = Object.fromEntries(
    Object.entries(others).map(([coinType, bytes]) => [coinType, isEvmCoinType(BigInt(coinType)) && isAddress(bytes) ? getAddress(bytes) : bytes]),
  );
  return {
    name: label,
    address: eth && isAddress(eth) ? getAddress(eth) : getAddress(entry.ownerAddress),
    domain: entry.domain,
    ...(withTexts && { text_records: entry.texts }),
    ...(Object.keys(coinTypes).length > 0 && { coin_types: coinTypes }),
    ...(entry.contenthash && { contenthash: contenthashUri(entry.contenthash as Hex) }),
  };
}

/**
 * NameStone's fields as our records: `address` is the owner (and ETH address), `text_records` the
 * texts, `coin_types` the other addresses. A `network.dm3.profile` text record (a `data:` URL, as
 * `get-names` shows it) becomes the name's DM3 profile and is verified against the owner like any
 * profile write, so a name read and written back keeps it.
 */
export function recordsOfNamestone(fields: {
  address?: string | undefined;
  contenthash?: string | null | undefined;
  text_records?: Record<string, string> | undefined;
  coin_types?: Record<string, string> | undefined;
}): NameRecords {
  if (!fields.address) throw new InvalidInputError("address: required — the name's owner and ETH address");
  const { [DM3_PROFILE_TEXT_KEY]: profileRecord, ...texts } = fields.text_records ?? {};
  const dm3Profile = profileRecord === undefined ? null : decodeProfileRecord(profileRecord);
  if (dm3Profile === undefined) {
    throw new InvalidInputError(`text_records: ${DM3_PROFILE_TEXT_KEY} must be a data:application/json SignedUserProfile (as this API shows it)`);
  }
  return validate(
    NameRecordsSchema,
    { owner: fields.address, texts, addresses: fields.coin_types ?? {}, contenthash: fields.contenthash || null, dm3Profile },
    "records",
  );
}
