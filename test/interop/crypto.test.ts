/**
 * DM3 crypto interop: our @noble implementation (worker/src/dm3) against dm3's published
 * libsodium-based @dm3-org/dm3-lib-crypto 1.7.1, both ways.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as dm3Crypto from "@dm3-org/dm3-lib-crypto";
import { decryptAsymmetric, encryptAsymmetric, signDetached, verifyDetached } from "../../worker/src/protocol/dm3/asymmetric";
import { generateDm3Keys } from "../../worker/src/protocol/dm3/keys";

const PLAINTEXTS = ["", "hello", "ü🦊 unicode ✓", "x".repeat(2047), "y".repeat(2048), "z".repeat(5000)];

describe("x25519-chacha20-poly1305 (encryptAsymmetric / decryptAsymmetric)", () => {
  for (const plaintext of PLAINTEXTS) {
    it(`we decrypt what dm3-lib-crypto encrypts (${plaintext.length} chars)`, async () => {
      const ours = generateDm3Keys().encryption;
      const payload = await dm3Crypto.encryptAsymmetric(ours.publicKey, plaintext);
      assert.equal(decryptAsymmetric(ours, { ...payload, ephemPublicKey: payload.ephemPublicKey ?? "" }), plaintext);
    });

    it(`dm3-lib-crypto decrypts what we encrypt (${plaintext.length} chars)`, async () => {
      const theirs = await dm3Crypto.createKeyPair();
      const payload = encryptAsymmetric(theirs.publicKey, plaintext);
      assert.equal(await dm3Crypto.decryptAsymmetric(theirs, payload), plaintext);
    });
  }

  it("our keys work in dm3-lib-crypto and theirs in ours", async () => {
    const theirs = await dm3Crypto.createKeyPair();
    const fromThem = await dm3Crypto.encryptAsymmetric(theirs.publicKey, "k");
    assert.equal(decryptAsymmetric(theirs, { ...fromThem, ephemPublicKey: fromThem.ephemPublicKey ?? "" }), "k");
    const ours = generateDm3Keys().encryption;
    assert.equal(await dm3Crypto.decryptAsymmetric(ours, encryptAsymmetric(ours.publicKey, "k")), "k");
  });

  it("pads every plaintext to a 2 KiB block, like libsodium", () => {
    const ours = generateDm3Keys().encryption;
    const sizes = PLAINTEXTS.map((text) => Buffer.from(encryptAsymmetric(ours.publicKey, text).ciphertext, "base64").length - 16);
    assert.deepEqual(sizes, [2048, 2048, 2048, 2048, 4096, 6144]);
  });

  it("refuses a ciphertext for another key and a tampered one", () => {
    const ours = generateDm3Keys().encryption;
    const other = generateDm3Keys().encryption;
    const payload = encryptAsymmetric(ours.publicKey, "secret");
    assert.throws(() => decryptAsymmetric(other, payload), /does not decrypt/);
    const bytes = Buffer.from(payload.ciphertext, "base64");
    bytes[0] = (bytes[0] as number) ^ 1;
    assert.throws(() => decryptAsymmetric(ours, { ...payload, ciphertext: bytes.toString("base64") }), /does not decrypt/);
  });
});

describe("Ed25519 detached signatures (sign / checkSignature)", () => {
  it("dm3-lib-crypto verifies our signatures", async () => {
    const ours = generateDm3Keys().signing;
    const signature = signDetached(ours.privateKey, "challenge ✓");
    assert.equal(await dm3Crypto.checkSignature(ours.publicKey, "challenge ✓", signature), true);
    assert.equal(await dm3Crypto.checkSignature(ours.publicKey, "challenge", signature), false);
  });

  it("we verify dm3-lib-crypto's signatures, with their 64-byte libsodium secret keys", async () => {
    const theirs = await dm3Crypto.createSigningKeyPair();
    const signature = await dm3Crypto.sign(theirs.privateKey, "challenge ✓");
    assert.equal(verifyDetached(theirs.publicKey, "challenge ✓", signature), true);
    assert.equal(verifyDetached(theirs.publicKey, "other", signature), false);
    assert.equal(signDetached(theirs.privateKey, "challenge ✓"), signature);
  });

  it("treats malformed keys and signatures as invalid", () => {
    const ours = generateDm3Keys().signing;
    assert.equal(verifyDetached("!!", "x", "!!"), false);
    assert.equal(verifyDetached(ours.publicKey, "x", "AAAA"), false);
  });
});
