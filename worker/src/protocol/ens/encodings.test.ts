import { describe, expect, test } from "vitest";
import { encodeCoinAddress } from "./encodeCoinAddress";
import { encodeContenthash } from "./encodeContenthash";

describe("encodeCoinAddress (ENSIP-9)", () => {
  test.each([
    [0, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "0x0014751e76e8199196d454941c45d1b3a323f1433bd6"],
    [0, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "0x76a91477bff20c60e522dfaa3350c39b030a5d004e839a88ac"],
    [501, "11111111111111111111111111111111", `0x${"00".repeat(32)}`],
    [2, "LaMT348PWRnrqeeWArpwQPbuanpXDZGEUz", "0x76a914a5f4d12ce3685781b227c1f39548ddef429e978388ac"],
    [3, "DBXu2kgc3xtvCUWFcxFE3r9hEYgmuaaCyD", "0x76a9144620b70031f0e9437e374a2100934fba4911046088ac"],
    [60, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"],
    [2147483658, "0x1111111111111111111111111111111111111111", "0x1111111111111111111111111111111111111111"],
    [0, "0x0014751e76e8199196d454941c45d1b3a323f1433bd6", "0x0014751e76e8199196d454941c45d1b3a323f1433bd6"],
  ])("coin %i: %s", (coinType, address, bytes) => {
    expect(encodeCoinAddress(coinType, address)).toBe(bytes);
  });

  test.each([
    [0, "bc1-not-an-address"],
    [60, "0x1234"],
    [2147483658, "0x12"],
    [4_000_000_000, "plainly-text"],
    [123_456, "plainly-text"],
    [0, "0x"],
    [60, "not-hex"],
    [2147483658, "0x12345"],
  ])("refuses coin %i: %s", (coinType, address) => {
    expect(() => encodeCoinAddress(coinType, address)).toThrow();
  });

  test("takes hex bytes for coin types the encoder does not know", () => {
    expect(encodeCoinAddress(123_456, "0xABCD")).toBe("0xabcd");
  });

  test("an EVM address that is not 0x-hex is refused as such, not as an unread text format", () => {
    expect(() => encodeCoinAddress(60, "not-hex")).toThrow("EVM addresses are 20 bytes of 0x-hex");
  });

  test("other coins' text formats are refused with the way out: their bytes in hex", () => {
    // XRP (144) has a text format, but not one the registry reads.
    expect(() => encodeCoinAddress(144, "rf1BiGeXwwQoi8Z2ueFYTEXSwuJYfV2Jpn")).toThrow(/coin type 144's address as its ENSIP-9 bytes in 0x-hex/);
    expect(encodeCoinAddress(144, "0x004b4e9c06f24296074f7bc48f92a97916c6dc5ea9")).toBe("0x004b4e9c06f24296074f7bc48f92a97916c6dc5ea9");
  });
});

describe("encodeContenthash (ENSIP-7)", () => {
  test.each([
    ["ipfs://QmRAQB6YaCyidP37UdDnjFY5vQuiBrcqdyoW1CuDgwxkD4", "0xe3010170122029f2d17be6139079dc48696d1f582a8530eb9805b561eda517e22a892c7e3f1f"],
    [
      "0xE3010170122029f2d17be6139079dc48696d1f582a8530eb9805b561eda517e22a892c7e3f1f",
      "0xe3010170122029f2d17be6139079dc48696d1f582a8530eb9805b561eda517e22a892c7e3f1f",
    ],
  ])("%s", (value, bytes) => {
    expect(encodeContenthash(value)).toBe(bytes);
  });

  test.each([
    ["ipns://k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8"],
    ["bzz://d1de9994b4d039f6548d191eb26786769f580809256b4685ef316805265ea162"],
    ["ar://ys32Pt8uC7TrVxHdOLByOspfPEq2LO63wREHQIM9SJQ"],
  ])("encodes %s and keeps its codec", (uri) => {
    expect(encodeContenthash(uri)).toMatch(/^0x[0-9a-f]+$/);
  });

  test.each([["https://example.org"], ["ipfs://not-a-cid"], ["0x1234"], ["0xzz"]])("refuses %s", (value) => {
    expect(() => encodeContenthash(value)).toThrow();
  });
});
