import fc from "fast-check";
import { normalize } from "viem/ens";
import { describe, expect, test } from "vitest";
import { assertNormalizedName, isPlainAsciiNormalized } from "./assertNormalizedName";

/** What ENSIP-15's normalizer says: the name is normalized (it maps to itself, without error). */
const normalizerAccepts = (name: string) => {
  try {
    return normalize(name) === name;
  } catch {
    return false;
  }
};

describe("isPlainAsciiNormalized", () => {
  test("never approves a name the normalizer refuses or changes (generated names over the ASCII that matters)", () => {
    const label = fc.string({ unit: fc.constantFrom(..."abz09-_.A$' é".split("")), minLength: 0, maxLength: 8 });
    fc.assert(
      fc.property(label, (name) => {
        if (isPlainAsciiNormalized(name)) expect(normalizerAccepts(name)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  test("approves the everyday names and leaves the rest to the normalizer", () => {
    for (const name of ["alice.demo.eth", "u123.acme.eth", "_dmarc.x.eth", "__a-b.eth", "-a-.eth", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8.demo.eth"]) {
      expect([name, isPlainAsciiNormalized(name)]).toEqual([name, true]);
      expect(normalizerAccepts(name)).toBe(true);
    }
    for (const name of ["Alice.eth", "a..eth", ".eth", "eth.", "ab--c.eth", "a_b.eth", "é.eth", "a$.eth", ""]) {
      expect([name, isPlainAsciiNormalized(name)]).toEqual([name, false]);
    }
  });

  test("assertNormalizedName still refuses what the normalizer refuses", () => {
    for (const name of ["Alice.eth", "ab--c.eth", "a_b.eth", "a..eth"]) expect(() => assertNormalizedName(name)).toThrow();
    expect(() => assertNormalizedName("café.eth")).not.toThrow();
  });
});
