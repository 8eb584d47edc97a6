import { ProtocolError } from "../ProtocolError";

/** A ciphertext, key or signature that does not decode, decrypt or verify. */
export class Dm3CryptoError extends ProtocolError {
  override readonly name = "Dm3CryptoError";
  readonly code = "dm3_crypto";
}
