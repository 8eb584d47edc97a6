import type { Database } from "../db/client";
import { upsertDomain } from "../db/domains";
import { listNamesHeldByOtherDomains } from "../db/nameReads";
import { PRIMARY_DATABASE } from "../protocol/d1Bookmarks";
import { assertNormalizedName } from "../protocol/ens/assertNormalizedName";
import type { ServedDomain } from "../shared/servedDomains";
import type { NameDatabases } from "../settings/settingsOf";
import type { DomainInfo } from "./apiTypes";
import { chooseDatabase } from "./chooseDatabase";
import { DomainHasNamesError, NESTED_NAMES_SHOWN } from "./errors";
import type { DomainInput } from "./schemas";

/** What registering a domain reads and writes. */
export type DomainRegistration = {
  /** The directory (`DB`): a domain is served once its row is here. */
  directory: Database;
  namesOf(domain: Pick<ServedDomain, "name" | "database">): Database;
  nameDatabases: NameDatabases;
  domains: readonly ServedDomain[];
  nowSeconds: number;
  /** Tells the isolate's domain list that it changed. */
  domainsChanged(): void;
};

/**
 * Registers `name` as a served domain, or updates its resolver, chain and address-name policy. Its
 * names' database is chosen once ({@link chooseDatabase}). A new sub-domain of a served domain is
 * refused while that domain holds names under it: a name belongs to its longest served suffix, so
 * the sub-domain would silently take over names another domain's keys wrote (see README).
 */
export async function registerDomain(context: DomainRegistration, name: string, input: DomainInput): Promise<DomainInfo> {
  assertNormalizedName(name);
  const { database: requested, ...settings } = input;
  const placement = chooseDatabase(context.nameDatabases, context.domains, name, requested);
  const names = context.namesOf({ name, database: placement });
  const held = await listNamesHeldByOtherDomains(names, name, NESTED_NAMES_SHOWN);
  if (held.length > 0) throw new DomainHasNamesError(name, held);
  const row = { name, ...settings, database: placement, createdAtSeconds: context.nowSeconds };
  // The names' database first (its copy anchors the names' foreign keys); the directory's row
  // makes the domain served, so a failure in between leaves nothing served (a retry completes it).
  if (placement !== PRIMARY_DATABASE) await upsertDomain(names, row);
  const stored = await upsertDomain(context.directory, row);
  context.domainsChanged();
  return {
    name,
    resolverAddress: stored.resolverAddress as DomainInfo["resolverAddress"],
    chainId: stored.chainId,
    allowAddressNames: stored.allowAddressNames,
    database: stored.database,
  };
}
