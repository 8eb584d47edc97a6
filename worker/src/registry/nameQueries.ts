import { namehash } from "viem/ens";
import type { Database } from "../db/client";
import { findLastNonce, findNameRow, findNameWithRecords } from "../db/nameReads";
import { assertNormalizedName } from "../protocol/ens/assertNormalizedName";
import { NAME_WRITE_DOMAIN_NAME, NAME_WRITE_TYPES } from "../protocol/nameWriteTypedData";
import type { ServedDomain } from "../shared/servedDomains";
import type { NameView } from "./apiTypes";
import { NameNotFoundError } from "./errors";
import { toNameView } from "./storedName";

/** The name and its records; 404 when not registered. */
export async function getName(db: Database, name: string): Promise<NameView> {
  assertNormalizedName(name);
  const entry = await findNameWithRecords(db, namehash(name));
  if (!entry) throw new NameNotFoundError(name);
  return toNameView(entry);
}

/**
 * What an owner needs to sign the next write of `name` (EIP-712): the last nonce ever used for it
 * (it outlives the name), the current owner, and the typed-data domain of `domain`'s resolver.
 */
export async function nameNonce(db: Database, domain: ServedDomain, name: string) {
  const node = namehash(name);
  const [row, nonce] = await Promise.all([findNameRow(db, node), findLastNonce(db, node)]);
  return {
    name,
    nonce,
    owner: row?.ownerAddress ?? null,
    typedData: {
      domain: { name: NAME_WRITE_DOMAIN_NAME, version: "1", chainId: domain.chainId, verifyingContract: domain.resolverAddress },
      types: NAME_WRITE_TYPES,
      primaryType: "NameWrite",
    },
  };
}
