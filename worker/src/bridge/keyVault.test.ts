import { describe, expect, test } from "vitest";
import { createKeyVault, SealedValueError } from "./keyVault";

const SECRET = "a bridge secret of at least thirty-two characters";
const NEXT_SECRET = "the next bridge secret, also long enough for the vault";

describe("the bridge's key vault", () => {
  test("opens what it sealed, for the same owner only", async () => {
    const vault = createKeyVault(SECRET);
    const sealed = await vault.seal("ed25519 secret", "malice.mail.demo.eth");
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain("ed25519");
    expect(await vault.open(sealed, "malice.mail.demo.eth")).toBe("ed25519 secret");
    await expect(vault.open(sealed, "mbob.mail.demo.eth")).rejects.toThrow(SealedValueError);
    // A fresh IV every time: the same secret seals differently.
    expect(await vault.seal("ed25519 secret", "malice.mail.demo.eth")).not.toBe(sealed);
  });

  test("refuses tampered or foreign values", async () => {
    const vault = createKeyVault(SECRET);
    const sealed = await vault.seal("x25519 secret", "m.mail.demo.eth");
    const parts = sealed.split(".");
    const flipped = `${parts[3]?.[0] === "A" ? "B" : "A"}${parts[3]?.slice(1)}`;
    await expect(vault.open([parts[0], parts[1], parts[2], flipped].join("."), "m.mail.demo.eth")).rejects.toThrow(SealedValueError);
    await expect(vault.open(`v2.${parts.slice(1).join(".")}`, "m.mail.demo.eth")).rejects.toThrow(SealedValueError);
    await expect(createKeyVault(NEXT_SECRET).open(sealed, "m.mail.demo.eth")).rejects.toThrow(SealedValueError);
  });

  test("rotation: the next secret opens what the previous one sealed, and says it needs resealing", async () => {
    const old = createKeyVault(SECRET);
    const sealed = await old.seal("a key", "m.mail.demo.eth");
    expect(old.needsReseal(sealed)).toBe(false);
    const rotating = createKeyVault(NEXT_SECRET, SECRET);
    expect(rotating.needsReseal(sealed)).toBe(true);
    expect(await rotating.open(sealed, "m.mail.demo.eth")).toBe("a key");
    const resealed = await rotating.seal(await rotating.open(sealed, "m.mail.demo.eth"), "m.mail.demo.eth");
    expect(rotating.needsReseal(resealed)).toBe(false);
    expect(await createKeyVault(NEXT_SECRET).open(resealed, "m.mail.demo.eth")).toBe("a key");
  });

  test("refuses a short secret", () => {
    expect(() => createKeyVault("short")).toThrow(/at least 32 characters/);
  });
});
