import { hexToBytes, stringToHex } from "viem";
import { packetToBytes } from "viem/ens";
import { describe, expect, test } from "vitest";
import { decodeDnsName } from "./decodeDnsName";
import { InvalidDnsNameError } from "./errors";

describe("decodeDnsName", () => {
  test.each([["alice.demo.eth"], ["demo.eth"], ["a.b.c.d.demo.eth"], ["🦊.demo.eth"], ["ñandú.eth"]])("decodes %s as viem encodes it", (name) => {
    expect(decodeDnsName(packetToBytes(name))).toBe(name);
  });

  test("decodes the root name to an empty string", () => {
    expect(decodeDnsName(new Uint8Array([0]))).toBe("");
  });

  test("decodes a hand-made packet", () => {
    expect(decodeDnsName(hexToBytes("0x05616c6963650464656d6f0365746800"))).toBe("alice.demo.eth");
  });

  test.each([
    ["empty input", "0x"],
    ["no terminating zero", "0x03657468"],
    ["label past the end", "0x0a657468"],
    ["bytes after the terminator", "0x0365746800ff"],
    ["invalid UTF-8", "0x02c3280365746800"],
    ["a dot inside a label", `0x03${stringToHex("a.b").slice(2)}0365746800`],
  ])("rejects %s", (_, hex) => {
    expect(() => decodeDnsName(hexToBytes(hex as `0x${string}`))).toThrow(InvalidDnsNameError);
  });

  test("decodes a 255-byte label (the most a length byte can say), and nothing is left over", () => {
    const label = "a".repeat(255);
    const packet = new Uint8Array([255, ...new TextEncoder().encode(label), 3, ...new TextEncoder().encode("eth"), 0]);
    expect(decodeDnsName(packet)).toBe(`${label}.eth`);
    // One byte short: the label runs past the end.
    expect(() => decodeDnsName(packet.subarray(0, 255))).toThrow(InvalidDnsNameError);
  });

  test("the @example in its documentation decodes to what it says", () => {
    expect(decodeDnsName(hexToBytes("0x05616c6963650464656d6f0365746800"))).toBe("alice.demo.eth");
  });
});
