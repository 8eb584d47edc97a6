import { describe, expect, test } from "vitest";
import { parseDataUri, toDataUri } from "./dataUri";

describe("data: URIs of DM3 attachments", () => {
  test("a file survives the round trip byte for byte, its name and type kept", () => {
    const bytes = new Uint8Array(256).map((_, index) => index);
    const uri = toDataUri({ type: "application/pgp-encrypted", filename: "nöte 1.asc", bytes });
    expect(uri.startsWith("data:application/pgp-encrypted;name=n%C3%B6te%201.asc;base64,")).toBe(true);
    expect(parseDataUri(uri)).toEqual({ type: "application/pgp-encrypted", filename: "nöte 1.asc", bytes });
  });

  test("plain (percent-encoded) data and a missing type, as RFC 2397 allows", () => {
    expect(parseDataUri("data:,Hello%2C%20World")).toEqual({ type: "text/plain", filename: undefined, bytes: new TextEncoder().encode("Hello, World") });
  });

  test.each(["https://example.com/a.png", "data:image/png;base64,@@@", "data:no-comma"])("%s is not a file the bridge carries", (uri) => {
    expect(parseDataUri(uri)).toBeUndefined();
  });
});
