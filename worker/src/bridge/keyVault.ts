import { base64urlnopad } from "@scure/base";
import { sha256, stringToBytes } from "viem";

/**
 * Custody of the keys a bridge holds for its virtual users: each secret is sealed with AES-256-GCM
 * under a key derived (HKDF-SHA-256) from the bridge secret, bound to what it belongs to (the
 * virtual user's name, as associated data: a sealed value moved to another row does not open).
 * Sealed form: `v1.<key id>.<iv>.<ciphertext>` (base64url); the key id names the bridge secret,
 * so a vault opens values sealed under the previous secret during a rotation and `needsReseal`
 * says which to seal again under the current one.
 */
export type KeyVault = {
  /** How values sealed under the current secret start (`v1.<key id>.`): what a reseal looks for. */
  readonly currentPrefix: string;
  seal(plaintext: string, boundTo: string): Promise<string>;
  open(sealed: string, boundTo: string): Promise<string>;
  /** Whether `sealed` was sealed under another secret than the current one. */
  needsReseal(sealed: string): boolean;
};

/** A sealed value does not open: another secret, another owner, or tampered. */
export class SealedValueError extends Error {
  override readonly name = "SealedValueError";
}

const FORMAT = "v1";
const IV_BYTES = 12;
const HKDF_INFO = stringToBytes("dm3 bridge key vault v1");

/** The id a sealed value names its secret by: the first 8 hex digits of SHA-256 of the secret. */
const keyIdOf = (secret: string) => sha256(stringToBytes(`dm3 bridge key id|${secret}`)).slice(2, 10);

async function deriveKey(secret: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", stringToBytes(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: HKDF_INFO },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/**
 * A vault over the bridge's `current` secret, which also opens what `previous` sealed (rotation:
 * set the new secret as current and the old one as previous, reseal, then drop previous).
 */
export function createKeyVault(current: string, previous?: string): KeyVault {
  if (current.length < 32) throw new Error("the bridge secret must be at least 32 characters (e.g. openssl rand -base64 32)");
  const currentId = keyIdOf(current);
  const keys = new Map<string, Promise<CryptoKey>>([[currentId, deriveKey(current)]]);
  if (previous) keys.set(keyIdOf(previous), deriveKey(previous));
  return {
    currentPrefix: `${FORMAT}.${currentId}.`,
    async seal(plaintext, boundTo) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const key = await (keys.get(currentId) as Promise<CryptoKey>);
      const ciphertext = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: stringToBytes(boundTo) }, key, stringToBytes(plaintext));
      return [FORMAT, currentId, base64urlnopad.encode(iv), base64urlnopad.encode(new Uint8Array(ciphertext))].join(".");
    },
    async open(sealed, boundTo) {
      const [format, keyId = "", iv = "", ciphertext = "", ...rest] = sealed.split(".");
      const key = keys.get(keyId);
      if (format !== FORMAT || rest.length > 0 || !key) throw new SealedValueError("sealed under an unknown secret or in an unknown format");
      try {
        const plaintext = await crypto.subtle.decrypt(
          { name: "AES-GCM", iv: base64urlnopad.decode(iv), additionalData: stringToBytes(boundTo) },
          await key,
          base64urlnopad.decode(ciphertext),
        );
        return new TextDecoder().decode(plaintext);
      } catch (cause) {
        throw new SealedValueError("does not open: another owner, or tampered", { cause });
      }
    },
    needsReseal: (sealed) => sealed.split(".")[1] !== currentId,
  };
}
