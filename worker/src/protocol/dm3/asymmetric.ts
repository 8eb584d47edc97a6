import { chacha20poly1305 } from "@noble/ciphers/chacha";
import { ed25519, x25519 } from "@noble/curves/ed25519";
import { blake2b } from "@noble/hashes/blake2b";
import { bytesToHex, hexToBytes, isHex } from "viem";
import { fromBase64, toBase64 } from "./base64";
import { Dm3CryptoError } from "./errors";
import { type Curves, runtimeCurves } from "./curves";
import { sodiumPad, sodiumUnpad } from "./sodiumPad";
import { stringify } from "./stringify";

/** dm3's `x25519-chacha20-poly1305` ciphertext, as JSON. */
export type EncryptedPayload = { nonce: string; ciphertext: string; ephemPublicKey: string };

/** An X25519 key pair, standard base64 (dm3's encryption keys). */
export type EncryptionKeyPair = { publicKey: string; privateKey: string };

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const SESSION_HASH_BYTES = 64;

/**
 * libsodium `crypto_kx` session key for `client → server` traffic: the client's `tx` equals the
 * server's `rx`, `BLAKE2b-512(X25519(sk, peerPk) ‖ clientPk ‖ serverPk)[32..64]`.
 *
 * @see https://doc.libsodium.org/key_exchange
 */
function kxSessionKey(ownSecret: Uint8Array, peerPublic: Uint8Array, clientPublic: Uint8Array, serverPublic: Uint8Array): Uint8Array {
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(ownSecret, peerPublic);
  } catch (cause) {
    throw new Dm3CryptoError("X25519 key agreement failed (invalid public key)", { cause });
  }
  return kxFromShared(shared, clientPublic, serverPublic);
}

function kxFromShared(shared: Uint8Array, clientPublic: Uint8Array, serverPublic: Uint8Array): Uint8Array {
  const input = new Uint8Array(KEY_BYTES * 3);
  input.set(shared, 0);
  input.set(clientPublic, KEY_BYTES);
  input.set(serverPublic, KEY_BYTES * 2);
  return blake2b(input, { dkLen: SESSION_HASH_BYTES }).slice(KEY_BYTES);
}

/** sodium_pad(2048) + ChaCha20-Poly1305 IETF with a random nonce, as dm3 encrypts. */
function seal(key: Uint8Array, ephemeralPublic: Uint8Array, plaintext: string): EncryptedPayload {
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const ciphertext = chacha20poly1305(key, nonce).encrypt(sodiumPad(new TextEncoder().encode(plaintext)));
  return { nonce: bytesToHex(nonce), ciphertext: toBase64(ciphertext), ephemPublicKey: toBase64(ephemeralPublic) };
}

/** The keys of {@link decryptAsymmetric}, checked. */
function openingKeys(own: EncryptionKeyPair, payload: EncryptedPayload) {
  if (!isHex(payload.nonce, { strict: true }) || payload.nonce.length !== 2 + NONCE_BYTES * 2) throw new Dm3CryptoError("nonce must be 12 bytes of 0x-hex");
  return {
    ownSecret: decodeKey(own.privateKey, "private encryption key"),
    ownPublic: decodeKey(own.publicKey, "public encryption key"),
    ephemeral: decodeKey(payload.ephemPublicKey, "ephemPublicKey"),
  };
}

function unseal(key: Uint8Array, payload: EncryptedPayload): string {
  let padded: Uint8Array;
  try {
    padded = chacha20poly1305(key, hexToBytes(payload.nonce as `0x${string}`)).decrypt(fromBase64(payload.ciphertext));
  } catch (cause) {
    throw new Dm3CryptoError("Ciphertext does not decrypt with this key", { cause });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(sodiumUnpad(padded));
  } catch (cause) {
    if (cause instanceof Dm3CryptoError) throw cause;
    throw new Dm3CryptoError("Plaintext is not UTF-8", { cause });
  }
}

/**
 * dm3-lib-crypto's `encryptAsymmetric`: fresh ephemeral X25519 pair, crypto_kx client key,
 * sodium_pad(2048), ChaCha20-Poly1305 IETF with a random 12-byte nonce, no associated data.
 *
 * @example encryptAsymmetric(recipient.publicEncryptionKey, stringify(postmark))
 */
export function encryptAsymmetric(recipientPublicKey: string, plaintext: string): EncryptedPayload {
  const recipient = decodeKey(recipientPublicKey, "public encryption key");
  const ephemeralSecret = x25519.utils.randomPrivateKey();
  const ephemeralPublic = x25519.getPublicKey(ephemeralSecret);
  return seal(kxSessionKey(ephemeralSecret, recipient, ephemeralPublic, recipient), ephemeralPublic, plaintext);
}

/** dm3-lib-crypto's `decryptAsymmetric` with our X25519 key pair; throws {@link Dm3CryptoError}. */
export function decryptAsymmetric(own: EncryptionKeyPair, payload: EncryptedPayload): string {
  const { ownSecret, ownPublic, ephemeral } = openingKeys(own, payload);
  return unseal(kxSessionKey(ownSecret, ephemeral, ephemeral, ownPublic), payload);
}

/** {@link encryptAsymmetric} on the runtime's native curves when it has them (byte-compatible; see `curves.ts`). */
export async function encryptAsymmetricAsync(recipientPublicKey: string, plaintext: string, curves?: Curves): Promise<EncryptedPayload> {
  const recipient = decodeKey(recipientPublicKey, "public encryption key");
  const { publicKey, shared } = await (curves ?? (await runtimeCurves())).ephemeralSharedSecret(recipient);
  return seal(kxFromShared(shared, publicKey, recipient), publicKey, plaintext);
}

/** {@link decryptAsymmetric} on the runtime's native curves when it has them. */
export async function decryptAsymmetricAsync(own: EncryptionKeyPair, payload: EncryptedPayload, curves?: Curves): Promise<string> {
  const { ownSecret, ownPublic, ephemeral } = openingKeys(own, payload);
  const shared = await (curves ?? (await runtimeCurves())).sharedSecret(ownSecret, ephemeral);
  return unseal(kxFromShared(shared, ephemeral, ownPublic), payload);
}

/** Parses a `stringify`d {@link EncryptedPayload} (how envelopes carry ciphertexts). */
export function parseEncryptedPayload(text: string): EncryptedPayload {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new Dm3CryptoError("Encrypted payload is not JSON", { cause });
  }
  const payload = value as Partial<EncryptedPayload> | null;
  if (typeof payload?.nonce !== "string" || typeof payload.ciphertext !== "string" || typeof payload.ephemPublicKey !== "string") {
    throw new Dm3CryptoError("Encrypted payload needs string nonce, ciphertext and ephemPublicKey");
  }
  return payload as EncryptedPayload;
}

/** `stringify(encryptAsymmetric(...))`: how dm3 stores a ciphertext inside an envelope. */
export function encryptAsymmetricToString(recipientPublicKey: string, plaintext: string): string {
  return stringify(encryptAsymmetric(recipientPublicKey, plaintext));
}

/** {@link encryptAsymmetricToString} on the runtime's native curves when it has them. */
export async function encryptAsymmetricToStringAsync(recipientPublicKey: string, plaintext: string, curves?: Curves): Promise<string> {
  return stringify(await encryptAsymmetricAsync(recipientPublicKey, plaintext, curves));
}

/**
 * dm3-lib-crypto's `sign`: base64 Ed25519 detached signature of the UTF-8 text, with a
 * libsodium 64-byte secret key (seed ‖ public key).
 */
export function signDetached(privateKey: string, text: string): string {
  return toBase64(ed25519.sign(new TextEncoder().encode(text), signingSeed(privateKey)));
}

/** {@link signDetached} on the runtime's native Ed25519 when it has it (the same signature: Ed25519 is deterministic). */
export async function signDetachedAsync(privateKey: string, text: string, curves?: Curves): Promise<string> {
  return toBase64(await (curves ?? (await runtimeCurves())).sign(signingSeed(privateKey), new TextEncoder().encode(text)));
}

/** {@link verifyDetached} on the runtime's native Ed25519 when it has it. */
export async function verifyDetachedAsync(publicKey: string, text: string, signature: string, curves?: Curves): Promise<boolean> {
  let key: Uint8Array;
  let bytes: Uint8Array;
  try {
    key = fromBase64(publicKey);
    bytes = fromBase64(signature);
  } catch {
    return false;
  }
  if (key.length !== KEY_BYTES || bytes.length !== KEY_BYTES * 2) return false;
  return (curves ?? (await runtimeCurves())).verify(key, new TextEncoder().encode(text), bytes);
}

function signingSeed(privateKey: string): Uint8Array {
  const secret = fromBase64(privateKey);
  if (secret.length !== KEY_BYTES * 2) throw new Dm3CryptoError("Ed25519 secret key must be 64 bytes (seed ‖ public key)");
  return secret.slice(0, KEY_BYTES);
}

/** dm3-lib-crypto's `checkSignature`: false for any malformed input, never throws. */
export function verifyDetached(publicKey: string, text: string, signature: string): boolean {
  try {
    return ed25519.verify(fromBase64(signature), new TextEncoder().encode(text), fromBase64(publicKey));
  } catch {
    return false; // Malformed key or signature: not a valid signature.
  }
}

function decodeKey(text: string, what: string): Uint8Array {
  let key: Uint8Array;
  try {
    key = fromBase64(text);
  } catch (cause) {
    throw new Dm3CryptoError(`${what} is not base64`, { cause });
  }
  if (key.length !== KEY_BYTES) throw new Dm3CryptoError(`${what} must be 32 bytes`);
  return key;
}
