import type { NameDatabases } from "../settings/settingsOf";
import { InvalidInputError } from "../http/validate";
import type { ServedDomain } from "../shared/servedDomains";
import { DatabasePlacementError } from "./errors";

/**
 * The database a domain's names live in: where they already are for a registered domain (names
 * never move), else `requested` or the deployment's choice for new domains. A domain nested in
 * another served domain (or enclosing one) shares its database, since a name belongs to its
 * longest served suffix and must stay unique among the names it could belong to.
 */
export function chooseDatabase(databases: NameDatabases, served: readonly ServedDomain[], name: string, requested: string | undefined): string {
  if (requested !== undefined && !databases.bindings.has(requested)) {
    throw new InvalidInputError(`database: "${requested}" is not one of this deployment's name databases (${[...databases.bindings.keys()].join(", ")})`);
  }
  const existing = served.find((domain) => domain.name === name);
  if (existing) {
    if (requested !== undefined && requested !== existing.database) {
      throw new DatabasePlacementError(`${name}'s names are in ${existing.database}; they cannot be moved to ${requested} (export the domain, then import it)`);
    }
    return existing.database;
  }
  const related = served.find((domain) => name.endsWith(`.${domain.name}`) || domain.name.endsWith(`.${name}`));
  if (related) {
    if (requested !== undefined && requested !== related.database) {
      throw new DatabasePlacementError(`${name} must share ${related.name}'s database (${related.database}): one name can belong to either`);
    }
    return related.database;
  }
  return requested ?? databases.forNewDomains;
}
