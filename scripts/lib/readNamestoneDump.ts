import { readFileSync } from "node:fs";
import { DM3_PROFILE_TEXT_KEY, decodeProfileRecord } from "../../worker/src/protocol/dm3/profile";
import type { ImportRow } from "./readImportFile";

/** A name as NameStone's `get-names` answered it (`NameData` in its SDK). */
type NamestoneName = {
  name?: unknown;
  domain?: unknown;
  address?: unknown;
  text_records?: unknown;
  textRecords?: unknown;
  coin_types?: unknown;
  contenthash?: unknown;
};

/**
 * Reads what a NameStone customer has of their names: the answers of NameStone's `get-names` (or
 * `search-names`) saved to a file — one JSON array, several (one per page, one per line), or
 * NDJSON of single names — as bulk items per domain (`label.domain`, owner = the address, texts,
 * coin types, contenthash; a `network.dm3.profile` text record becomes the DM3 profile, verified
 * on import like any). Entries that cannot be read are rows with an error, never dropped silently.
 */
export function readNamestoneDump(file: string): { domain?: string; row: ImportRow }[] {
  const text = readFileSync(file, "utf8").trim();
  const entries: { line: number; value: unknown }[] = [];
  try {
    entries.push({ line: 1, value: JSON.parse(text) as unknown });
  } catch {
    for (const [index, line] of text.split("\n").entries()) {
      if (line.trim() === "") continue;
      try {
        entries.push({ line: index + 1, value: JSON.parse(line) as unknown });
      } catch (error) {
        entries.push({ line: index + 1, value: new Error(`line ${index + 1}: ${(error as Error).message}`) });
      }
    }
  }
  return entries.flatMap(({ line, value }) => {
    if (value instanceof Error) return [{ row: { line, error: value.message } }];
    return (Array.isArray(value) ? value : [value]).map((entry) => toRow(line, entry as NamestoneName));
  });
}

function toRow(line: number, entry: NamestoneName): { domain?: string; row: ImportRow } {
  const fail = (why: string) => ({ row: { line, error: `line ${line}: ${why}` } });
  if (typeof entry !== "object" || entry === null) return fail("not a NameStone name object");
  if (typeof entry.domain !== "string" || entry.domain === "") return fail("no domain");
  if (typeof entry.name !== "string" || entry.name === "") return fail(`no name (in ${entry.domain})`);
  if (typeof entry.address !== "string") return fail(`${entry.name}.${entry.domain}: no address (the owner)`);
  const allTexts = (entry.text_records ?? entry.textRecords ?? {}) as Record<string, string>;
  const { [DM3_PROFILE_TEXT_KEY]: profileRecord, ...texts } = allTexts;
  const dm3Profile = profileRecord === undefined ? undefined : decodeProfileRecord(profileRecord);
  if (profileRecord !== undefined && !dm3Profile) return fail(`${entry.name}.${entry.domain}: ${DM3_PROFILE_TEXT_KEY} is not a data: SignedUserProfile`);
  return {
    domain: entry.domain,
    row: {
      line,
      item: {
        name: `${entry.name}.${entry.domain}`,
        owner: entry.address,
        texts,
        addresses: entry.coin_types ?? {},
        ...(typeof entry.contenthash === "string" && entry.contenthash !== "" && { contenthash: entry.contenthash }),
        ...(dm3Profile && { dm3Profile }),
      },
    },
  };
}
