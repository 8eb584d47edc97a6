import { Dm3CryptoError } from "./errors";

/** dm3 pads every plaintext to a multiple of 2 KiB before encrypting it. */
export const DM3_PAD_BLOCK_BYTES = 2048;
const PAD_MARKER = 0x80;

/**
 * libsodium's `sodium_pad` (ISO/IEC 7816-4): `0x80` then zeros up to the next multiple of
 * `blockBytes`; always adds at least one byte.
 *
 * @see https://doc.libsodium.org/padding
 */
export function sodiumPad(data: Uint8Array, blockBytes = DM3_PAD_BLOCK_BYTES): Uint8Array {
  const padded = new Uint8Array(data.length + (blockBytes - (data.length % blockBytes)));
  padded.set(data);
  padded[data.length] = PAD_MARKER;
  return padded;
}

/** libsodium's `sodium_unpad`: strips the padding, or throws if it is malformed. */
export function sodiumUnpad(padded: Uint8Array, blockBytes = DM3_PAD_BLOCK_BYTES): Uint8Array {
  if (padded.length === 0 || padded.length % blockBytes !== 0) throw new Dm3CryptoError("Padded plaintext has a wrong length");
  let index = padded.length - 1;
  while (index > padded.length - 1 - blockBytes && padded[index] === 0) index--;
  if (index < 0 || padded[index] !== PAD_MARKER || padded.length - index > blockBytes) {
    throw new Dm3CryptoError("Plaintext padding is malformed");
  }
  return padded.slice(0, index);
}
