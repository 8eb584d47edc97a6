import fc from "fast-check";
import { namehash } from "viem/ens";
import { describe, expect, test } from "vitest";
import { namehashOf } from "./namehashOf";

describe("namehashOf", () => {
  test("is viem's namehash for every name, the parent's kept or not", () => {
    for (const name of [
      "",
      "eth",
      "demo.eth",
      "alice.demo.eth",
      "alice.demo.eth",
      "a.b.c.d.eth",
      "[9dd2c369a187b4e6b9c402f030e50743e619301ea62aa4c0737d4ef7e10a3d49].eth",
      "café.eth",
      "a.",
      "a..b",
      ".a",
    ]) {
      expect(namehashOf(name)).toBe(namehash(name));
    }
    const label = fc.string({ unit: fc.constantFrom(..."ab1-_é😀".split("")), minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), (labels) => {
        expect(namehashOf(labels.join("."))).toBe(namehash(labels.join(".")));
      }),
    );
  });
});
