import { describe, expect, test } from "vitest";
import { isLookupUrl } from "./lookupApp";

describe("isLookupUrl", () => {
  test("takes /ccip and what is below it, whatever the origin", () => {
    for (const url of ["https://gw.example/ccip", "https://gw.example/ccip/", "http://127.0.0.1:8787/ccip/0xab/0xcd.json", "https://gw.example/ccip?x=1"]) {
      expect(isLookupUrl(url)).toBe(true);
    }
  });

  test("leaves every other path to the main app", () => {
    for (const url of [
      "https://gw.example/",
      "https://gw.example/ccipx",
      "https://gw.example/v1/ccip/x",
      "https://gw.example/cci",
      "https://ccip.example/health",
    ]) {
      expect(isLookupUrl(url)).toBe(false);
    }
  });
});
