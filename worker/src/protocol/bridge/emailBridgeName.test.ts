import { normalize } from "viem/ens";
import { describe, expect, test } from "vitest";
import { emailBridgeName } from "./emailBridgeName";
import { ensNameOfMailbox, mailboxOfEnsName } from "./ensMailbox";
import { InvalidEmailAddressError } from "./errors";
import { normalizeEmailAddress } from "./normalizeEmailAddress";

// Expected names computed independently (Python: hashlib.sha256 + base64.b32encode, lowercased, unpadded).
describe("emailBridgeName", () => {
  test.each([
    ["alice@example.com", "m24fhtvm5ym5ichtfeduqzitrvwlvuj7u6dfgrilfoifudbu22o3q.mail.demo.eth"],
    [" Alice@EXAMPLE.com ", "m24fhtvm5ym5ichtfeduqzitrvwlvuj7u6dfgrilfoifudbu22o3q.mail.demo.eth"],
    ["bob@bücher.example", "myqrbotqgpgbzcweg52zmysaeqcoaegu2xufkbe7dalnzknfzeoka.mail.demo.eth"],
    ["bob@xn--bcher-kva.example", "myqrbotqgpgbzcweg52zmysaeqcoaegu2xufkbe7dalnzknfzeoka.mail.demo.eth"],
  ])("%s → %s", (address, name) => {
    expect(emailBridgeName(address, "mail.demo.eth")).toBe(name);
  });

  test("names are ENSIP-15 normalized, never show the address, and differ for different addresses", () => {
    const names = new Set<string>();
    for (let index = 0; index < 500; index++) {
      const name = emailBridgeName(`user${index}@example.com`, "mail.demo.eth");
      expect(normalize(name)).toBe(name);
      expect(name).not.toContain("user");
      names.add(name);
    }
    expect(names.size).toBe(500);
  });

  test.each([
    "",
    "alice",
    "@example.com",
    "alice@",
    "alice@localhost",
    'a"b@example.com',
    "a b@example.com",
    ".a@example.com",
    "a..b@example.com",
    `${"x".repeat(65)}@example.com`,
  ])("refuses %j", (address) => {
    expect(() => emailBridgeName(address, "mail.demo.eth")).toThrow(InvalidEmailAddressError);
  });

  test("normalizes the domain to IDNA ASCII and everything to lower case", () => {
    expect(normalizeEmailAddress("Ünïcode.User@Bücher.Example")).toBe("ünïcode.user@xn--bcher-kva.example");
  });
});

describe("ENS names as bridge mailboxes", () => {
  test.each([
    ["alice.acme.eth", "alice.acme.eth"],
    ["a_b-c.eth", "a_b-c.eth"],
    ["🦊.eth", "dm3-6cp2ncromv2gq"],
  ])("%s ↔ %s", (name, mailbox) => {
    expect(mailboxOfEnsName(name)).toBe(mailbox);
    expect(ensNameOfMailbox(mailbox)).toBe(name);
    expect(ensNameOfMailbox(mailbox.toUpperCase())).toBe(name);
  });

  test("a name too long for a 64-byte local part has no mailbox", () => {
    expect(mailboxOfEnsName(`${"a".repeat(60)}.eth`)).toBe(`${"a".repeat(60)}.eth`);
    expect(mailboxOfEnsName(`${"a".repeat(61)}.eth`)).toBeUndefined();
    expect(mailboxOfEnsName(`${"🦊".repeat(10)}.eth`)).toBeUndefined();
  });

  test.each(["alice", "dm3-", "dm3-!!", "dm3-6cp2ncromv2", "a..b.eth", ".eth", "dm3-mfrggzdfmztwq2lk", "dm3-mfwgsy3ffzsxi2a"])(
    "%j is no mailbox of a name",
    (mailbox) => {
      expect(ensNameOfMailbox(mailbox)).toBeUndefined();
    },
  );
});
