import { ed25519, x25519 } from "@noble/curves/ed25519";
import { Dm3CryptoError } from "./errors";

/**
 * The two curve operations DM3 needs — X25519 key agreement and Ed25519 signatures — from the
 * runtime's WebCrypto where it has them (Workers, Node 22, current browsers: native code, a
 * fraction of the CPU), else from @noble. Both give byte-identical results: X25519 is a function of
 * its inputs and Ed25519 signatures are deterministic (RFC 8032).
 */
export type Curves = {
  name: "webcrypto" | "noble";
  /** X25519(secret, peerPublic): the 32-byte shared secret. */
  sharedSecret(secret: Uint8Array, peerPublic: Uint8Array): Promise<Uint8Array>;
  /** A fresh ephemeral key pair's public key and its shared secret with `peerPublic`. */
  ephemeralSharedSecret(peerPublic: Uint8Array): Promise<{ publicKey: Uint8Array; shared: Uint8Array }>;
  /** Ed25519 signature of `message` with the 32-byte `seed`. */
  sign(seed: Uint8Array, message: Uint8Array): Promise<Uint8Array>;
  /** Whether `signature` is `publicKey`'s Ed25519 signature of `message` (false for malformed input). */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
};

const invalidPeer = (cause: unknown) => new Dm3CryptoError("X25519 key agreement failed (invalid public key)", { cause });

/** @noble/curves: pure JavaScript, everywhere. */
export const nobleCurves: Curves = {
  name: "noble",
  async sharedSecret(secret, peerPublic) {
    try {
      return x25519.getSharedSecret(secret, peerPublic);
    } catch (cause) {
      throw invalidPeer(cause);
    }
  },
  async ephemeralSharedSecret(peerPublic) {
    const secret = x25519.utils.randomPrivateKey();
    return { publicKey: x25519.getPublicKey(secret), shared: await nobleCurves.sharedSecret(secret, peerPublic) };
  },
  async sign(seed, message) {
    return ed25519.sign(message, seed);
  },
  async verify(publicKey, message, signature) {
    try {
      return ed25519.verify(signature, message, publicKey);
    } catch {
      return false;
    }
  },
};

// PKCS #8 wrappers of a raw 32-byte private key (RFC 8410): WebCrypto imports private keys only so.
const X25519_PKCS8_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20];
const ED25519_PKCS8_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
const pkcs8 = (prefix: number[], key: Uint8Array) => new Uint8Array([...prefix, ...key]);
/** A copy backed by a plain ArrayBuffer (what WebCrypto's types ask for). */
const buffer = (data: Uint8Array) => new Uint8Array(data);

// A service's own keys are used for every message: imported once per isolate (settled keys only:
// a pending promise belongs to the request that started it).
const importedPrivateKeys = new Map<string, CryptoKey>();
const MAX_IMPORTED = 100;

async function importPrivateKey(algorithm: "X25519" | "Ed25519", key: Uint8Array): Promise<CryptoKey> {
  const cacheKey = `${algorithm}:${Array.from(key, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
  const cached = importedPrivateKeys.get(cacheKey);
  if (cached) return cached;
  const usages: ("deriveBits" | "sign")[] = algorithm === "X25519" ? ["deriveBits"] : ["sign"];
  const prefix = algorithm === "X25519" ? X25519_PKCS8_PREFIX : ED25519_PKCS8_PREFIX;
  const imported = await crypto.subtle.importKey("pkcs8", pkcs8(prefix, key), { name: algorithm }, false, usages);
  if (importedPrivateKeys.size >= MAX_IMPORTED) importedPrivateKeys.clear();
  importedPrivateKeys.set(cacheKey, imported);
  return imported;
}

async function deriveShared(privateKey: CryptoKey, peerPublic: Uint8Array): Promise<Uint8Array> {
  try {
    const peer = await crypto.subtle.importKey("raw", buffer(peerPublic), { name: "X25519" }, false, []);
    return new Uint8Array(
      await crypto.subtle.deriveBits({ name: "X25519", public: peer } as unknown as Parameters<typeof crypto.subtle.deriveBits>[0], privateKey, 256),
    );
  } catch (cause) {
    throw invalidPeer(cause);
  }
}

/** The runtime's WebCrypto X25519 and Ed25519. */
export const webCryptoCurves: Curves = {
  name: "webcrypto",
  async sharedSecret(secret, peerPublic) {
    return deriveShared(await importPrivateKey("X25519", secret), peerPublic);
  },
  async ephemeralSharedSecret(peerPublic) {
    const pair = (await crypto.subtle.generateKey({ name: "X25519" }, true, ["deriveBits"])) as CryptoKeyPair;
    const publicKey = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
    return { publicKey, shared: await deriveShared(pair.privateKey, peerPublic) };
  },
  async sign(seed, message) {
    return new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, await importPrivateKey("Ed25519", seed), buffer(message)));
  },
  async verify(publicKey, message, signature) {
    try {
      const key = await crypto.subtle.importKey("raw", buffer(publicKey), { name: "Ed25519" }, false, ["verify"]);
      return await crypto.subtle.verify({ name: "Ed25519" }, key, buffer(signature), buffer(message));
    } catch {
      return false;
    }
  },
};

let chosen: Curves | undefined;

/**
 * WebCrypto's curves when this runtime has both and they agree with @noble on a known vector,
 * else @noble. Probed once per isolate.
 */
export async function runtimeCurves(): Promise<Curves> {
  chosen ??= (await probeWebCrypto().catch(() => false)) ? webCryptoCurves : nobleCurves;
  return chosen;
}

async function probeWebCrypto(): Promise<boolean> {
  if (typeof crypto === "undefined" || !crypto.subtle) return false;
  const seed = new Uint8Array(32).fill(7);
  const peer = x25519.getPublicKey(new Uint8Array(32).fill(9));
  const message = new TextEncoder().encode("dm3 curves probe");
  const [shared, signature] = await Promise.all([webCryptoCurves.sharedSecret(seed, peer), webCryptoCurves.sign(seed, message)]);
  const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, index) => byte === b[index]);
  return same(shared, x25519.getSharedSecret(seed, peer)) && same(signature, ed25519.sign(message, seed));
}
