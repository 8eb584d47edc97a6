import { describe, expect, test } from "vitest";
import { exceedsJsonDepth, MAX_JSON_DEPTH } from "./jsonDepth";

const nestedArrays = (depth: number) => JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`) as unknown;
const nestedObjects = (depth: number) => JSON.parse(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`) as unknown;

describe("exceedsJsonDepth", () => {
  test.each([
    ["a scalar", 1, 0, false],
    ["an empty object", {}, 1, false],
    ["an empty object at depth 0", {}, 0, true],
    ["arrays at the limit", nestedArrays(MAX_JSON_DEPTH), MAX_JSON_DEPTH, false],
    ["arrays one past the limit", nestedArrays(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH, true],
    ["objects one past the limit", nestedObjects(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH, true],
    ["a deep path beside shallow ones", { a: 1, b: [1, 2], c: nestedObjects(40) }, MAX_JSON_DEPTH, true],
  ])("%s", (_, value, maxDepth, expected) => {
    expect(exceedsJsonDepth(value, maxDepth)).toBe(expected);
  });

  test("walks 100,000 levels without overflowing the stack", () => {
    expect(exceedsJsonDepth(nestedArrays(100_000))).toBe(true);
  });
});
