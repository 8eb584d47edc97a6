import { describe, expect, test } from "vitest";
import { clientNetwork } from "./clientNetwork";

describe("clientNetwork", () => {
  test.each([
    ["an IPv4 address is itself", "203.0.113.7", 64, "203.0.113.7"],
    ["an IPv4-mapped IPv6 address is its IPv4 address", "::ffff:203.0.113.7", 64, "203.0.113.7"],
    ["an IPv4-mapped address in hex is the same client", "::ffff:cb00:7107", 64, "203.0.113.7"],
    ["an IPv6 address is its /64", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", 64, "2001:db8:1:2:0:0:0:0/64"],
    ["another address of the same /64 is the same client", "2001:db8:1:2::1", 64, "2001:db8:1:2:0:0:0:0/64"],
    ["the compressed and the full spelling agree", "2001:0db8:0001:0002:0000:0000:0000:0001", 64, "2001:db8:1:2:0:0:0:0/64"],
    ["brackets and a zone id are dropped", "[fe80::1%eth0]", 64, "fe80:0:0:0:0:0:0:0/64"],
    ["a /56 prefix keeps 56 bits", "2001:db8:1:2ff::1", 56, "2001:db8:1:200:0:0:0:0/56"],
    ["a /48 prefix keeps 48 bits", "2001:db8:1:2ff::1", 48, "2001:db8:1:0:0:0:0:0/48"],
    ["a /128 prefix keeps the address", "2001:db8::1", 128, "2001:db8:0:0:0:0:0:1/128"],
    ["something that is not an address is itself", "unknown", 64, "unknown"],
    ["a malformed IPv6 text is itself", "2001:db8:::1", 64, "2001:db8:::1"],
  ])("%s", (_, ip, bits, expected) => {
    expect(clientNetwork(ip, bits)).toBe(expected);
  });

  test("a different /64 is a different client", () => {
    expect(clientNetwork("2001:db8:1:3::1")).not.toBe(clientNetwork("2001:db8:1:2::1"));
  });
});
