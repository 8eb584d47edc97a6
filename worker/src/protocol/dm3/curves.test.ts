import { ed25519, x25519 } from "@noble/curves/ed25519";
import { describe, expect, test } from "vitest";
import {
  decryptAsymmetric,
  decryptAsymmetricAsync,
  encryptAsymmetric,
  encryptAsymmetricAsync,
  signDetached,
  signDetachedAsync,
  verifyDetached,
  verifyDetachedAsync,
} from "./asymmetric";
import { type Curves, nobleCurves, runtimeCurves, webCryptoCurves } from "./curves";
import { Dm3CryptoError } from "./errors";
import { generateDm3Keys } from "./keys";

// These run inside workerd: the runtime the relay uses.
const engines: Curves[] = [nobleCurves, webCryptoCurves];

describe("X25519 and Ed25519 on the runtime's WebCrypto and on @noble", () => {
  test("the runtime (workerd) has both natively, and the relay uses them", async () => {
    expect((await runtimeCurves()).name).toBe("webcrypto");
  });

  test("byte-identical: shared secrets and signatures over random keys and messages", async () => {
    for (let round = 0; round < 20; round++) {
      const secret = crypto.getRandomValues(new Uint8Array(32));
      const peer = x25519.getPublicKey(crypto.getRandomValues(new Uint8Array(32)));
      const seed = crypto.getRandomValues(new Uint8Array(32));
      const message = crypto.getRandomValues(new Uint8Array(round * 17));
      const [nobleShared, webShared] = await Promise.all(engines.map((curves) => curves.sharedSecret(secret, peer)));
      expect(webShared).toEqual(nobleShared);
      expect(nobleShared).toEqual(x25519.getSharedSecret(secret, peer));
      const [nobleSignature, webSignature] = await Promise.all(engines.map((curves) => curves.sign(seed, message)));
      expect(webSignature).toEqual(nobleSignature);
      for (const curves of engines) {
        expect(await curves.verify(ed25519.getPublicKey(seed), message, nobleSignature as Uint8Array)).toBe(true);
        expect(await curves.verify(ed25519.getPublicKey(seed), new Uint8Array([...message, 1]), nobleSignature as Uint8Array)).toBe(false);
      }
    }
  });

  test("dm3 ciphertexts and signatures made by either engine are read by the other (and by the sync @noble API)", async () => {
    const keys = generateDm3Keys();
    for (const writer of engines) {
      const payload = await encryptAsymmetricAsync(keys.encryption.publicKey, "hello 🌍", writer);
      expect(decryptAsymmetric(keys.encryption, payload)).toBe("hello 🌍");
      for (const reader of engines) expect(await decryptAsymmetricAsync(keys.encryption, payload, reader)).toBe("hello 🌍");
      const signature = await signDetachedAsync(keys.signing.privateKey, "challenge", writer);
      expect(signature).toBe(signDetached(keys.signing.privateKey, "challenge"));
      expect(verifyDetached(keys.signing.publicKey, "challenge", signature)).toBe(true);
      for (const reader of engines) expect(await verifyDetachedAsync(keys.signing.publicKey, "challenge", signature, reader)).toBe(true);
    }
    const noble = encryptAsymmetric(keys.encryption.publicKey, "from the sync API");
    for (const reader of engines) expect(await decryptAsymmetricAsync(keys.encryption, noble, reader)).toBe("from the sync API");
  });

  test("malformed input: the same refusals from both engines", async () => {
    const keys = generateDm3Keys();
    const lowOrderPoint = new Uint8Array(32); // all zero: X25519 gives the all-zero secret, which both refuse
    for (const curves of engines) {
      await expect(curves.sharedSecret(crypto.getRandomValues(new Uint8Array(32)), lowOrderPoint)).rejects.toBeInstanceOf(Dm3CryptoError);
      expect(await verifyDetachedAsync(keys.signing.publicKey, "x", "not base64!", curves)).toBe(false);
      expect(await verifyDetachedAsync("AAAA", "x", signDetached(keys.signing.privateKey, "x"), curves)).toBe(false);
      await expect(signDetachedAsync("AAAA", "x", curves)).rejects.toBeInstanceOf(Dm3CryptoError);
    }
  });
});
