import { encodeAbiParameters, type Hex } from "viem";
import type { RecordQuery } from "../protocol/ccip/decodeResolveCall";
import type { ServedDomain } from "../shared/servedDomains";

/** Text keys a served domain's own name answers with where its names can be read and followed. */
export const REGISTRY_TEXT_KEYS = {
  /** The change feed of the domain's names (`GET /v1/changes?domain=…`). */
  changes: "registry.changes",
  /** The listing of the domain's names (`GET /v1/domains/{domain}/names`). */
  names: "registry.names",
} as const;

const STRING_OUTPUT = [{ type: "string" }] as const;

/**
 * The records that advertise a domain's data: `registry.changes` and `registry.names` of the domain's
 * own name (`acme.eth`) are URLs under `publicUrl()` (the worker's public base URL, `DS_URL`), signed
 * like any answer, so an indexer that finds the resolver finds the feed. None without a public URL.
 */
export function registryRecords(publicUrl: () => string | undefined): (name: string, record: RecordQuery, domain: ServedDomain) => Hex | undefined {
  return (name, record, domain) => {
    if (name !== domain.name || record.kind !== "text") return undefined;
    const path = advertisedPaths.get(record.key);
    const base = path && publicUrl();
    if (!path || !base) return undefined;
    return encodeAbiParameters(STRING_OUTPUT, [`${base}${path(encodeURIComponent(domain.name))}`]);
  };
}

const advertisedPaths = new Map<string, (domain: string) => string>([
  [REGISTRY_TEXT_KEYS.changes, (domain) => `/v1/changes?domain=${domain}`],
  [REGISTRY_TEXT_KEYS.names, (domain) => `/v1/domains/${domain}/names`],
]);
