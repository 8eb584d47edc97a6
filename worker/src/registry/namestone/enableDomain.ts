import { type Address, getAddress, type Hex, isAddressEqual, recoverMessageAddress, zeroAddress } from "viem";
import { namehash } from "viem/ens";
import { parseSiweMessage, validateSiweMessage } from "viem/siwe";
import { ensRegistryAbi, nameWrapperAbi, resolverAdminAbi } from "../../abi";
import type { Database } from "../../db/client";
import { findSiweChallenge, spendSiweChallenge } from "../../db/siweChallenges";
import { ForbiddenError, UnauthorizedError } from "../../http/AppError";
import type { EnsReader } from "../../protocol/dm3/resolveDm3";
import { assertNormalizedName } from "../../protocol/ens/assertNormalizedName";
import { createApiKey, listDomainApiKeys, revokeApiKey } from "../apiKeys";
import { ResolverNotOursError } from "../errors";
import { type DomainRegistration, registerDomain } from "../registerDomain";

/** What self-service onboarding reads and writes. */
export type DomainOnboarding = {
  /** The directory: SIWE challenges, keys, audit. */
  db: Database;
  registration: DomainRegistration;
  /** ENS on L1 (the chain the domain lives on). */
  ens: EnsReader;
  /** The gateway's signer: the domain's resolver must trust it. */
  signer: Address;
  nowSeconds: number;
};

/** The label of keys onboarding issues: whose signature earned them (cycle_key revokes these). */
const keyLabel = (address: Address) => `enable-domain: ${address}`;

/**
 * NameStone's `enable-domain`: the on-chain owner of `domain` proves it with a signature over the
 * SIWE message this worker issued to them (used up by that signature alone, once, before it expires) and receives a service key for
 * the domain — no operator involved. Checked on chain first: the signer owns the name (in the ENS
 * registry, or through the NameWrapper), and its resolver trusts this gateway's signer; then the
 * domain is registered (or its resolver updated) and a key issued, audited as the address.
 *
 * @throws {UnauthorizedError} no live message for the address, a signature by anyone else, an expired message.
 * @throws {ForbiddenError} the address does not own the domain on chain.
 * @throws {ResolverNotOursError} the domain's resolver does not trust this gateway (with the fix).
 */
export async function enableDomain(
  context: DomainOnboarding,
  input: { address: string; domain: string; signature: string; company_name?: string | undefined; cycle_key?: string | undefined },
): Promise<{ api_key: string }> {
  // Any case: a mixed-case address with a wrong checksum is still the same 20 bytes.
  const address = getAddress(input.address.toLowerCase());
  assertNormalizedName(input.domain);
  const message = await findSiweChallenge(context.db, address, context.nowSeconds);
  if (!message)
    throw new UnauthorizedError(`No live SIWE message for ${address}: get one from get-siwe-message, sign it, and send the signature within 10 minutes`);
  const signer = await recoverMessageAddress({ message, signature: input.signature as Hex }).catch(() => zeroAddress);
  const siwe = parseSiweMessage(message);
  if (!isAddressEqual(signer, address) || !validateSiweMessage({ message: siwe, address, time: new Date(context.nowSeconds * 1000) })) {
    throw new UnauthorizedError(`The signature is not ${address}'s over the SIWE message issued to it (or the message expired)`);
  }
  // Spent only by its own signature (a stranger's wrong one leaves it to the owner), and only once.
  if (!(await spendSiweChallenge(context.db, address, message))) throw new UnauthorizedError(`This SIWE message of ${address} was used already`);

  const node = namehash(input.domain);
  const { client, registry } = context.ens;
  if (!registry) throw new Error("enable-domain needs ENS_REGISTRY (the registry to read owners and resolvers from)");
  const owner = await client.readContract({ address: registry, abi: ensRegistryAbi, functionName: "owner", args: [node] });
  const wrappedOwner = isAddressEqual(owner, address)
    ? owner
    : await client.readContract({ address: owner, abi: nameWrapperAbi, functionName: "ownerOf", args: [BigInt(node)] }).catch(() => owner);
  if (!isAddressEqual(wrappedOwner, address)) throw new ForbiddenError(`${input.domain} is owned by ${wrappedOwner} on chain, not by ${address}`);
  const resolver = await client.readContract({ address: registry, abi: ensRegistryAbi, functionName: "resolver", args: [node] });
  const trusted =
    !isAddressEqual(resolver, zeroAddress) &&
    (await client.readContract({ address: resolver, abi: resolverAdminAbi, functionName: "isSigner", args: [context.signer] }).catch(() => false));
  if (!trusted) throw new ResolverNotOursError(input.domain, resolver, context.signer);
  const chainId = await (client.getChainId?.() ?? Promise.reject(new Error("the ENS client cannot tell its chain id")));

  await registerDomain(context.registration, input.domain, { resolverAddress: getAddress(resolver), chainId });
  const keys = { db: context.db, actor: `address:${address}`, nowSeconds: context.nowSeconds };
  if (input.cycle_key === "1") {
    for (const key of await listDomainApiKeys(context.db, input.domain)) {
      if (key.label.startsWith(keyLabel(address)) && key.revokedAtSeconds === null) await revokeApiKey(keys, key.id);
    }
  }
  const label = input.company_name ? `${keyLabel(address)} (${input.company_name.slice(0, 100)})` : keyLabel(address);
  const { key } = await createApiKey(keys, input.domain, { label });
  return { api_key: key };
}
