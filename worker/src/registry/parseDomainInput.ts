import { type Address, getAddress, isAddress } from "viem";
import { InvalidRegistryInputError } from "./errors";

/** A checked `PUT /v1/domains/{name}` body. */
export type DomainInput = { resolverAddress: Address; chainId: number };

/** Checks a domain registration: the resolver contract that verifies answers, and its chain. */
export function parseDomainInput(body: unknown): DomainInput {
  const input = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const { resolverAddress, chainId } = input;
  if (typeof resolverAddress !== "string" || !isAddress(resolverAddress, { strict: false })) {
    throw new InvalidRegistryInputError("`resolverAddress` must be the OffchainResolver's address");
  }
  if (typeof chainId !== "number" || !Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new InvalidRegistryInputError("`chainId` must be a positive integer");
  }
  return { resolverAddress: getAddress(resolverAddress), chainId };
}
