import { namehash } from "viem/ens";
import type { Database } from "../db/client";
import { findNameWithRecords, type NameWithRecords, replaceName } from "../db/names";
import { DM3_PROFILE_TEXT_KEY, encodeProfileRecord, verifySignedUserProfile } from "../dm3/profile";
import { assertNormalizedName } from "../ens/assertNormalizedName";
import { ETH_COIN_TYPE } from "../ens/coinTypes";
import { InvalidProfileSignatureError, NameNotFoundError, UnknownDomainError } from "./errors";
import type { NameInput } from "./parseNameInput";
import { findServingDomain, type ServedDomain } from "./servedDomains";

/**
 * Creates or replaces `name` with exactly the records of `input`, atomically. The name must be
 * normalized and under a registered domain; a DM3 profile must be signed by `input.owner`. The
 * owner is also the name's ETH address unless `input.addresses` sets coin type 60.
 */
export async function putName(
  db: Database,
  domains: readonly ServedDomain[],
  name: string,
  input: NameInput,
  nowSeconds: number,
): Promise<NameWithRecords> {
  assertNormalizedName(name);
  const domain = findServingDomain(domains, name);
  if (!domain) throw new UnknownDomainError(name);
  const texts = { ...input.texts };
  if (input.dm3Profile) {
    if (!(await verifySignedUserProfile(input.dm3Profile, input.owner))) throw new InvalidProfileSignatureError(input.owner);
    texts[DM3_PROFILE_TEXT_KEY] = encodeProfileRecord(input.dm3Profile);
  }
  const entry: NameWithRecords = {
    node: namehash(name),
    name,
    domain: domain.name,
    ownerAddress: input.owner,
    contenthash: input.contenthash,
    texts,
    addresses: { [ETH_COIN_TYPE]: input.owner.toLowerCase() as `0x${string}`, ...input.addresses },
  };
  await replaceName(db, entry, nowSeconds);
  return entry;
}

/** The name and its records; 404 when not registered. */
export async function getName(db: Database, name: string): Promise<NameWithRecords> {
  assertNormalizedName(name);
  const entry = await findNameWithRecords(db, namehash(name));
  if (!entry) throw new NameNotFoundError(name);
  return entry;
}
