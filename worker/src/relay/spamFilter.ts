import { type Address, erc20Abi } from "viem";
import { normalize } from "viem/ens";
import type { Database } from "../db/client";
import { findEffectiveSpamRules } from "../db/spamRules";
import type { EnsReader } from "../protocol/dm3/resolveDm3";
import { hasSpamRules, type SenderFacts, type SpamRules, spamRuleFailures } from "../protocol/dm3/spamRules";
import { ChainUnavailableError, type Dm3Directory, isContractRefusal } from "../shared/dm3Directory";
import { createIsolateCache } from "../shared/isolateCache";
import { SpamRefusedError } from "./errors";

const facts = createIsolateCache(10_000);

export type SpamFilterContext = {
  db: Database;
  directory: Dm3Directory;
  ens: EnsReader | undefined;
  /** How long a sender's nonce and balances are reused (the ENS cache time). */
  cacheMs: number;
  nowMs: number;
};

/**
 * dm3's spam filter on submit: the recipient's rules (their own — if set with their current profile
 * key —, else their domain's defaults) are
 * checked against the sender (`deliveryInformation.from` resolved to an address) on L1. Throws
 * {@link SpamRefusedError} naming every rule that fails, or 502 when the chain cannot be read —
 * never a wrong accept or refusal.
 */
export async function enforceSpamRules(
  context: SpamFilterContext,
  recipient: { name: string; signingKey: string; domain: string | undefined },
  senderName: string,
): Promise<void> {
  const rules = await findEffectiveSpamRules(context.db, recipient.name, recipient.signingKey, recipient.domain);
  if (!hasSpamRules(rules)) return;
  const ens = context.ens;
  if (!ens) throw new ChainUnavailableError(senderName, new Error("no L1_RPC_URL is configured, and the recipient's spam rules need the chain"));
  let sender: string;
  try {
    sender = normalize(senderName);
  } catch {
    throw new SpamRefusedError(recipient.name, [`the sender "${senderName}" is not an ENS name, so the recipient's rules cannot pass`]);
  }
  const address = await context.directory.address(sender);
  if (!address) throw new SpamRefusedError(recipient.name, [`the sender ${sender} has no address on ENS, so the recipient's rules cannot pass`]);
  const failures = spamRuleFailures(rules, await readSenderFacts({ ...context, ens }, rules, address, sender));
  if (failures.length > 0) throw new SpamRefusedError(recipient.name, failures);
}

/** The sender's nonce, ETH balance and (when a rule needs it) token balance, cached per sender. */
async function readSenderFacts(context: SpamFilterContext & { ens: EnsReader }, rules: SpamRules, address: Address, sender: string): Promise<SenderFacts> {
  const { ens } = context;
  const token = rules.minTokenBalance?.address;
  const cached = <T>(what: string, load: () => Promise<T>) => facts.read(`${what}|${address}`, context.cacheMs, context.nowMs, load);
  try {
    const [nonce, balance, tokenBalance] = await Promise.all([
      cached("nonce", () => ens.client.getTransactionCount({ address })),
      cached("balance", () => ens.client.getBalance({ address })),
      token === undefined
        ? undefined
        : cached(`token:${token}`, () =>
            // dm3: a failing balanceOf counts as 0 (not a token, or a token that reverts).
            ens.client.readContract({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [address] }).catch((error: unknown) => {
              if (isContractRefusal(error)) return 0n;
              throw error;
            }),
          ),
    ]);
    return { nonce, balance, ...(tokenBalance !== undefined && { tokenBalance }) };
  } catch (error) {
    throw new ChainUnavailableError(sender, error);
  }
}
