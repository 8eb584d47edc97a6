import { type Hex, recoverTypedDataAddress } from "viem";
import { namehash } from "viem/ens";
import { addressOfAddressName } from "../protocol/ens/addressName";
import { findLastNonce, findNameRow } from "../db/nameReads";
import { InvalidInputError, validate } from "../http/validate";
import { ForbiddenError, NameNotFoundError, SignatureExpiredError, StaleNonceError } from "./errors";
import { NAME_LIMITS } from "./limits";
import type { NameView } from "./apiTypes";
import { deleteName, type NameWriteContext, putName } from "./nameWrites";
import { NameRecordsSchema, type SignedNameWrite } from "./schemas";
import type { ServedDomain } from "../shared/servedDomains";
import { nameWriteTypedData } from "../protocol/nameWriteTypedData";

/**
 * Applies a write signed by the name's owner. An existing name accepts signatures by its owner
 * only; a new one only as `0x<signer address>.<domain>` where the domain allows address names.
 * Expired signatures, and nonces not above the last one ever used for the name (replays, also
 * across a delete and re-creation), are refused; the nonce check is repeated atomically in the
 * database by a trigger, so of racing writes with one nonce exactly one lands.
 */
export async function applySignedWrite(
  context: NameWriteContext,
  domain: ServedDomain,
  name: string,
  write: SignedNameWrite,
  rawRecords: unknown,
): Promise<NameView | undefined> {
  if (write.expiry < context.nowSeconds) throw new SignatureExpiredError(`The signature expired at ${write.expiry}`);
  if (write.expiry > context.nowSeconds + NAME_LIMITS.maxSignedWriteLifetimeSeconds) {
    throw new InvalidInputError(`expiry: at most ${NAME_LIMITS.maxSignedWriteLifetimeSeconds} seconds ahead`);
  }
  const signer = await recoverSigner(domain, name, { ...write, records: rawRecords });
  const node = namehash(name);
  const [current, lastNonce] = await Promise.all([findNameRow(context.db, node), findLastNonce(context.db, node)]);
  if (current) {
    if (current.ownerAddress.toLowerCase() !== signer.toLowerCase()) {
      throw new ForbiddenError(`The signature is by ${signer}, not by the owner of "${name}"`);
    }
  } else {
    if (write.action === "delete") throw new NameNotFoundError(name);
    if (!domain.allowAddressNames || name !== `${signer.toLowerCase()}.${domain.name}`) {
      throw new ForbiddenError(
        `A signature registers only "${signer.toLowerCase()}.${domain.name}" (the signer's address name), and only where the domain allows it`,
      );
    }
  }
  // Nonces outlive the name: a signature made before a delete never works on a re-created name.
  if (write.nonce <= lastNonce) throw new StaleNonceError(name, lastNonce);
  const signedContext: NameWriteContext = { ...context, actor: `address:${signer}`, signer };
  if (write.action === "delete") {
    await deleteName(signedContext, domain, name, write.nonce);
    return undefined;
  }
  const records = validate(NameRecordsSchema, rawRecords, "records");
  const nameAddress = addressOfAddressName(name);
  if (nameAddress && records.owner.toLowerCase() !== nameAddress) {
    throw new ForbiddenError(`"${name}" can only be owned by ${nameAddress}`);
  }
  return putName(signedContext, domain, name, records, write.nonce);
}

async function recoverSigner(domain: ServedDomain, name: string, write: Omit<SignedNameWrite, "records"> & { records: unknown }) {
  try {
    return await recoverTypedDataAddress({ ...nameWriteTypedData(domain, name, write), signature: write.signature as Hex });
  } catch (cause) {
    throw new InvalidInputError("signature: not a valid secp256k1 signature", { cause });
  }
}
