import { describe, expect, test } from "vitest";
import { webhookTargetProblem } from "./webhookTargetProblem";

const production = { allowLoopback: false };
const localStack = { allowLoopback: true };

describe("webhookTargetProblem", () => {
  test.each([
    "https://hooks.acme.example/dm3",
    "https://hooks.acme.example:8443/dm3?token=abc",
    "https://203.0.113.10/dm3",
    "https://[2001:db8::1]/dm3",
    "https://8.8.8.8/",
  ])("accepts a public https target: %s", (url) => {
    expect(webhookTargetProblem(url, production)).toBeUndefined();
  });

  test.each([
    ["dotted loopback", "https://127.0.0.1/"],
    ["short loopback", "https://127.1/"],
    ["decimal loopback", "https://2130706433/"],
    ["hex loopback", "https://0x7f000001/"],
    ["octal loopback", "https://0177.0.0.1/"],
    ["mixed hex octets", "https://0x7f.0.0.1/"],
    ["IPv6 loopback", "https://[::1]/"],
    ["IPv4-mapped loopback", "https://[::ffff:127.0.0.1]/"],
    ["IPv4-mapped loopback in hex", "https://[::ffff:7f00:1]/"],
    ["localhost", "https://localhost/"],
    ["a localhost subdomain", "https://api.localhost/"],
    ["cloud metadata", "http://169.254.169.254/latest/meta-data/"],
    ["cloud metadata in decimal", "https://2852039166/"],
    ["cloud metadata IPv4-mapped", "https://[::ffff:169.254.169.254]/"],
    ["cloud metadata NAT64", "https://[64:ff9b::a9fe:a9fe]/"],
    ["GCP metadata name", "https://metadata.google.internal/"],
    ["AWS IPv6 metadata", "https://[fd00:ec2::254]/"],
    ["Alibaba metadata (shared space)", "https://100.100.100.200/"],
    ["10/8", "https://10.1.2.3/"],
    ["10/8 in decimal", "https://167772161/"],
    ["172.16/12", "https://172.31.255.255/"],
    ["192.168/16 in hex", "https://0xc0a80001/"],
    ["IPv6 link-local", "https://[fe80::1]/"],
    ["IPv6 unique local", "https://[fd12:3456::1]/"],
    ["6to4 of a private address", "https://[2002:0a00:0001::1]/"],
    ["the unspecified address", "https://0.0.0.0/"],
    ["IPv6 unspecified", "https://[::]/"],
    ["an intranet name", "https://intranet/"],
    ["a .local name", "https://printer.local/"],
    ["a trailing-dot internal name", "https://metadata.google.internal./"],
    ["plain http outside loopback", "http://hooks.acme.example/"],
    ["another scheme", "ftp://hooks.acme.example/"],
    ["credentials in the URL", "https://user:pass@hooks.acme.example/"],
  ])("refuses %s in production", (_, url) => {
    expect(webhookTargetProblem(url, production)).toEqual(expect.any(String));
  });

  test.each(["http://127.0.0.1:9/dm3", "http://localhost:8080/", "http://[::1]:9/", "http://2130706433:9/"])(
    "allows loopback on the local stack: %s",
    (url) => {
      expect(webhookTargetProblem(url, localStack)).toBeUndefined();
    },
  );

  test("the local stack still refuses private and metadata targets", () => {
    expect(webhookTargetProblem("http://169.254.169.254/", localStack)).toEqual(expect.any(String));
    expect(webhookTargetProblem("https://10.0.0.1/", localStack)).toEqual(expect.any(String));
  });
});
