/** Standard base64 (with padding) of `bytes`, as dm3 encodes keys, signatures and ciphertexts. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Bytes of standard base64 text; throws `TypeError` on anything else. */
export function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new TypeError("not valid base64");
  }
  // An indexed loop: `Uint8Array.from(binary, mapper)` walks the string's iterator and costs ~5× more
  // (0.13 ms for a 2 KB ciphertext, a third of opening one).
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}
