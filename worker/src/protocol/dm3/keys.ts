import { ed25519, x25519 } from "@noble/curves/ed25519";
import { toBase64 } from "./base64";

/** A DM3 key pair: standard base64 with padding, as dm3 stores and publishes keys. */
export type Dm3KeyPair = { publicKey: string; privateKey: string };

/** Fresh DM3 signing (Ed25519; 64-byte secret = seed ‖ public key, as libsodium) and encryption (X25519) keys. */
export function generateDm3Keys(): { signing: Dm3KeyPair; encryption: Dm3KeyPair } {
  const seed = ed25519.utils.randomPrivateKey();
  const signingPublic = ed25519.getPublicKey(seed);
  const encryptionPrivate = x25519.utils.randomPrivateKey();
  return {
    signing: { publicKey: toBase64(signingPublic), privateKey: toBase64(concat(seed, signingPublic)) },
    encryption: { publicKey: toBase64(x25519.getPublicKey(encryptionPrivate)), privateKey: toBase64(encryptionPrivate) },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
