import { type Address, getAddress, isAddress, maxUint256 } from "viem";
import * as z from "zod/mini";

/**
 * dm3's spam rules (lib/delivery's spam filter), all of which must pass for a sender:
 * `minNonce` — the sender's transaction count; `minBalance` — ETH balance in wei;
 * `minTokenBalance` — an ERC-20 `balanceOf(sender)` (a failing call counts as 0).
 */
export type SpamRules = {
  minNonce?: number;
  /** Wei, as a decimal string. */
  minBalance?: string;
  minTokenBalance?: { address: Address; amount: string };
};

/** What the rules are checked against: the sender's account on L1. */
export type SenderFacts = { nonce: number; balance: bigint; tokenBalance?: bigint };

const MAX_NONCE = Number.MAX_SAFE_INTEGER;

/** A uint256 as a decimal or 0x string (dm3 accepts both), made canonical: decimal. */
const Uint256Schema = z.pipe(
  z.string().check(
    z.maxLength(80),
    z.refine((value) => /^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/.test(value) && BigInt(value) <= maxUint256, {
      message: "must be a whole number of wei ≥ 0 as a decimal or 0x string (at most 2^256 - 1)",
    }),
  ),
  z.transform((value: string) => BigInt(value).toString()),
);

/** The rules as a recipient or a domain sends them; `{}` means "no rules". */
export const SpamRulesSchema = z.strictObject({
  minNonce: z.optional(z.int().check(z.minimum(0), z.maximum(MAX_NONCE))),
  minBalance: z.optional(Uint256Schema),
  minTokenBalance: z.optional(
    z.strictObject({
      address: z.pipe(
        z.string().check(z.refine((value) => isAddress(value, { strict: false }), { message: "must be an ERC-20 contract address" })),
        z.transform((value: string) => getAddress(value)),
      ),
      amount: Uint256Schema,
    }),
  ),
});

/** Whether `rules` asks anything of a sender. */
export function hasSpamRules(rules: SpamRules | undefined): rules is SpamRules {
  return rules !== undefined && (rules.minNonce !== undefined || rules.minBalance !== undefined || rules.minTokenBalance !== undefined);
}

/** Every rule the sender fails, in words (empty: the sender passes). */
export function spamRuleFailures(rules: SpamRules, facts: SenderFacts): string[] {
  const failures: string[] = [];
  if (rules.minNonce !== undefined && facts.nonce < rules.minNonce) {
    failures.push(`the sender has sent ${facts.nonce} transactions; the recipient requires ${rules.minNonce}`);
  }
  if (rules.minBalance !== undefined && facts.balance < BigInt(rules.minBalance)) {
    failures.push(`the sender holds ${facts.balance} wei; the recipient requires ${rules.minBalance}`);
  }
  if (rules.minTokenBalance !== undefined && (facts.tokenBalance ?? 0n) < BigInt(rules.minTokenBalance.amount)) {
    const { address, amount } = rules.minTokenBalance;
    failures.push(`the sender holds ${facts.tokenBalance ?? 0n} of token ${address}; the recipient requires ${amount}`);
  }
  return failures;
}
