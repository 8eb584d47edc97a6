import { BadRequestError } from "../http/AppError";

/** A ciphertext, key or signature that does not decode, decrypt or verify. */
export class Dm3CryptoError extends BadRequestError {
  override readonly code = "dm3_crypto";
}
