import { describe, expect, test } from "vitest";
import { stringify } from "./stringify";

describe("stringify (dm3 canonical JSON)", () => {
  test.each([
    [{ b: 1, a: 2 }, '{"a":2,"b":1}'],
    [{ z: { y: 1, x: [3, { d: 1, c: 2 }] } }, '{"z":{"x":[3,{"c":2,"d":1}],"y":1}}'],
    [{ a: undefined, b: null }, '{"b":null}'],
    [[1, undefined, "x"], '[1,null,"x"]'],
    ["plain", '"plain"'],
    [{ é: "ü", e: "\n" }, '{"e":"\\n","é":"ü"}'],
    [{ date: new Date(0) }, '{"date":"1970-01-01T00:00:00.000Z"}'],
  ])("stringify(%j) is %s", (value, expected) => {
    expect(stringify(value)).toBe(expected);
  });

  test("rejects values without JSON form", () => {
    expect(() => stringify(undefined)).toThrow(TypeError);
    expect(() => stringify(1n)).toThrow(TypeError);
  });
});
