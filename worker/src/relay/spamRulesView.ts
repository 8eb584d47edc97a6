import type { RelayServices } from "./RelayServices";
import type { Database } from "../db/client";
import { findSpamRules } from "../db/spamRules";
import { hasSpamRules, type SpamRules } from "../protocol/dm3/spamRules";

import type { SpamRulesView } from "./apiTypes";
import { ChainNotConfiguredError } from "./errors";

export async function describeSpamRules(db: Database, name: string, ownerKey: string, domain: string | undefined): Promise<SpamRulesView> {
  const [own, defaults] = await Promise.all([findSpamRules(db, "name", name, ownerKey), domain ? findSpamRules(db, "domain", domain) : undefined]);
  return { name, rules: own ?? {}, domainDefaults: defaults ?? null, effective: own ?? defaults ?? {} };
}

/** Rules can only be checked where the relay reads the chain: refuse to store ones that could never pass. */
export function requireChainFor(services: Pick<RelayServices, "ens">, rules: SpamRules): void {
  if (hasSpamRules(rules) && !services.ens()) {
    throw new ChainNotConfiguredError();
  }
}
