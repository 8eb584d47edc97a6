import type { Hex, PrivateKeyAccount } from "viem";
import { encodeAbiParameters } from "viem";
import { type SignatureHashParameters, signatureHash } from "./signatureHash";

const RESPONSE_PARAMETERS = [
  { name: "result", type: "bytes" },
  { name: "expires", type: "uint64" },
  { name: "sig", type: "bytes" },
] as const;

/**
 * Signs a record result and encodes the EIP-3668 answer `abi.encode(bytes result, uint64 expires, bytes sig)`
 * that `resolveWithProof` verifies. The signature is a 65-byte `r‖s‖v` over the raw digest (no
 * EIP-191 personal prefix): OpenZeppelin ≥ 4.7.3 rejects 64-byte EIP-2098 signatures.
 *
 * @example await encodeResolveResponse(signer, { resolver, expiresSeconds, request, result })
 * @see https://eips.ethereum.org/EIPS/eip-3668
 */
export async function encodeResolveResponse(signer: PrivateKeyAccount, parameters: SignatureHashParameters): Promise<Hex> {
  const signature = await signer.sign({ hash: signatureHash(parameters) });
  return encodeAbiParameters(RESPONSE_PARAMETERS, [parameters.result, parameters.expiresSeconds, signature]);
}
