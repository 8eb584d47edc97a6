import type { Address, Hex, LocalAccount } from "viem";
import { stringify } from "./dm3/stringify";

/** What binds a signed write to one deployment: the domain's resolver and its chain. */
export type NameWriteDomain = { chainId: number; resolverAddress: Address };

/** EIP-712 type of a user-signed write. `records` is dm3's canonical JSON of the records sent. */
export const NAME_WRITE_TYPES = {
  NameWrite: [
    { name: "name", type: "string" },
    { name: "action", type: "string" },
    { name: "records", type: "string" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint64" },
  ],
} as const;

/** EIP-712 domain name of the registry; the domain also binds chain id and resolver. */
export const NAME_WRITE_DOMAIN_NAME = "dm3 registry";

/** What the owner signs: bound to the name, the domain's resolver and chain, a nonce and an expiry. */
export type NameWriteRequest = { action: "put" | "delete"; records?: unknown; nonce: number; expiry: number };

/**
 * The EIP-712 typed data of a write to `name` under `domain`.
 *
 * @see https://eips.ethereum.org/EIPS/eip-712
 */
export function nameWriteTypedData(domain: NameWriteDomain, name: string, write: NameWriteRequest) {
  return {
    domain: { name: NAME_WRITE_DOMAIN_NAME, version: "1", chainId: domain.chainId, verifyingContract: domain.resolverAddress },
    types: NAME_WRITE_TYPES,
    primaryType: "NameWrite" as const,
    message: {
      name,
      action: write.action,
      records: write.records === undefined ? "" : stringify(write.records),
      nonce: BigInt(write.nonce),
      expiry: BigInt(write.expiry),
    },
  };
}

/** Signs a write as the name's owner would in a wallet (used by the CLI and tests). */
export async function signNameWrite(account: LocalAccount, domain: NameWriteDomain, name: string, write: NameWriteRequest): Promise<Hex> {
  return account.signTypedData(nameWriteTypedData(domain, name, write));
}
