import { type Address, encodePacked, type Hex, keccak256 } from "viem";

/** EIP-191 version 0x00 ("data with intended validator") prefix of the signed digest. */
export const SIGNATURE_HASH_PREFIX = "0x1900";

/** What a gateway answer commits to. */
export type SignatureHashParameters = {
  /** The resolver contract that will verify the answer (from `extraData`, not `{sender}`). */
  resolver: Address;
  expiresSeconds: bigint;
  /** The full `resolve(bytes,bytes)` call data the client sent. */
  request: Hex;
  /** The ABI-encoded record result. */
  result: Hex;
};

/**
 * The digest the gateway signs: `keccak256(0x1900 ‖ resolver ‖ uint64 expires ‖ keccak256(request) ‖ keccak256(result))`.
 * Written once more in Solidity (`OffchainResolver.makeSignatureHash`); a test checks both agree.
 *
 * @example signatureHash({ resolver, expiresSeconds: 1700000300n, request: "0x9061b923…", result: "0x…" })
 * @see https://github.com/ensdomains/offchain-resolver/blob/main/packages/contracts/contracts/SignatureVerifier.sol
 */
export function signatureHash({ resolver, expiresSeconds, request, result }: SignatureHashParameters): Hex {
  return keccak256(
    encodePacked(
      ["bytes2", "address", "uint64", "bytes32", "bytes32"],
      [SIGNATURE_HASH_PREFIX, resolver, expiresSeconds, keccak256(request), keccak256(result)],
    ),
  );
}
