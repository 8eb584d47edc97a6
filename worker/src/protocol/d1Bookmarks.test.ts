import { describe, expect, test } from "vitest";
import { formatD1Bookmarks, mergeD1Bookmarks, parseD1Bookmarks } from "./d1Bookmarks";

describe("X-D1-Bookmark", () => {
  test("a bare bookmark is DB's and is written back bare; several are binding=bookmark pairs", () => {
    expect(parseD1Bookmarks("0000001a-00000002")).toEqual(new Map([["DB", "0000001a-00000002"]]));
    expect(formatD1Bookmarks(new Map([["DB", "0000001a-00000002"]]))).toBe("0000001a-00000002");
    const both = new Map([
      ["DB", "0000001a-1"],
      ["DB_2", "00000003-2"],
    ]);
    expect(formatD1Bookmarks(both)).toBe("DB=0000001a-1, DB_2=00000003-2");
    expect(parseD1Bookmarks(formatD1Bookmarks(both))).toEqual(both);
    expect(parseD1Bookmarks("0000001a-1, DB_2=00000003-2")).toEqual(both);
  });

  test("anything else is refused, not half-read", () => {
    for (const header of [
      "",
      "DB=",
      "=01",
      "DB_2=zz",
      "DB=1, DB=2",
      "1, 2",
      "2x=01",
      "a b=01",
      Array(17)
        .fill("01")
        .map((v, i) => `B${i}=${v}`)
        .join(","),
    ]) {
      expect(parseD1Bookmarks(header)).toBeUndefined();
    }
  });

  test("merging keeps the newest of each database (D1 bookmarks order lexicographically)", () => {
    const known = new Map([
      ["DB", "00000005-0"],
      ["DB_2", "00000001-0"],
    ]);
    const answered = new Map([
      ["DB", "00000004-0"],
      ["DB_2", "00000002-0"],
      ["DB_3", "00000001-0"],
    ]);
    expect(mergeD1Bookmarks(known, answered)).toEqual(
      new Map([
        ["DB", "00000005-0"],
        ["DB_2", "00000002-0"],
        ["DB_3", "00000001-0"],
      ]),
    );
  });
});
