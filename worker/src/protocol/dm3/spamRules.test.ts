import { describe, expect, test } from "vitest";
import { hasSpamRules, SpamRulesSchema, spamRuleFailures } from "./spamRules";

const TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

describe("spam rules", () => {
  test("accept dm3's shapes and make amounts canonical (decimal, checksummed token)", () => {
    expect(SpamRulesSchema.parse({ minNonce: 1, minBalance: "0x10", minTokenBalance: { address: TOKEN.toLowerCase(), amount: "0x0a" } })).toEqual({
      minNonce: 1,
      minBalance: "16",
      minTokenBalance: { address: TOKEN, amount: "10" },
    });
    expect(hasSpamRules(SpamRulesSchema.parse({}))).toBe(false);
  });

  test.each([
    [{ minNonce: -1 }],
    [{ minNonce: 1.5 }],
    [{ minBalance: "-1" }],
    [{ minBalance: "1e18" }],
    [{ minBalance: `0x1${"0".repeat(64)}` }],
    [{ minBalance: 5 }],
    [{ minTokenBalance: { address: "0x1234", amount: "1" } }],
    [{ minTokenBalance: { address: TOKEN } }],
    [{ maxNonce: 3 }],
  ])("refuse %j", (input) => {
    expect(SpamRulesSchema.safeParse(input).success).toBe(false);
  });

  test("every rule must pass; each failure is named", () => {
    const rules = SpamRulesSchema.parse({ minNonce: 2, minBalance: "100", minTokenBalance: { address: TOKEN, amount: "5" } });
    expect(spamRuleFailures(rules, { nonce: 2, balance: 100n, tokenBalance: 5n })).toEqual([]);
    expect(spamRuleFailures(rules, { nonce: 1, balance: 100n, tokenBalance: 5n })).toHaveLength(1);
    expect(spamRuleFailures(rules, { nonce: 2, balance: 99n, tokenBalance: 5n })[0]).toContain("99 wei");
    expect(spamRuleFailures(rules, { nonce: 2, balance: 100n })[0]).toContain("token");
    expect(spamRuleFailures(rules, { nonce: 0, balance: 0n, tokenBalance: 0n })).toHaveLength(3);
  });
});
