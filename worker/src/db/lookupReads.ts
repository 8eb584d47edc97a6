import type { Address, Hex } from "viem";
import type { D1Client } from "./d1Clients";

// The gateway's per-lookup reads as plain SQL over schema.ts's tables (names, text_records,
// address_records, domains), run straight on the D1 binding or session: the lookup's path then
// needs no query builder (drizzle stays on the write and listing paths, and out of the lookup-only
// worker's bundle and start-up). The worker tests read every record kind, unknown names and
// domains through these.

const TEXT_RECORD_OF_NAME =
  "SELECT text_records.value AS value FROM names LEFT JOIN text_records ON text_records.node = names.node AND text_records.key = ?2 WHERE names.node = ?1 LIMIT 1";
const ADDRESS_RECORDS_OF_NAME =
  "SELECT address_records.coin_type AS coin_type, address_records.address AS address FROM names LEFT JOIN address_records ON address_records.node = names.node AND address_records.coin_type IN (?2, ?3) WHERE names.node = ?1";
const CONTENTHASH_OF_NAME = "SELECT contenthash FROM names WHERE node = ?1";
const SERVED_DOMAIN_ROWS = "SELECT name, resolver_address, chain_id, allow_address_names, webhook_url, database FROM domains";

/** A record as the gateway reads it: whether the name exists at all, and the record (undefined when unset). */
export type NamedRecord<Value> = { exists: boolean; value: Value | undefined };

/** The text record `key` of `node` (undefined when unset), and whether the name exists — in one query. */
export async function findTextRecordOfName(client: D1Client, node: Hex, key: string): Promise<NamedRecord<string>> {
  const row = await client.prepare(TEXT_RECORD_OF_NAME).bind(node, key).first<{ value: string | null }>();
  return { exists: row !== null, value: row?.value ?? undefined };
}

/** The addresses of `node` for up to two coin types (the wanted one, its fallback), and whether the name exists — in one query. */
export async function findAddressRecordsOfName(client: D1Client, node: Hex, coinTypes: [number] | [number, number]): Promise<NamedRecord<Map<number, Hex>>> {
  const [coinType, fallbackCoinType = coinType] = coinTypes;
  const { results } = await client
    .prepare(ADDRESS_RECORDS_OF_NAME)
    .bind(node, coinType, fallbackCoinType)
    .all<{ coin_type: number | null; address: string | null }>();
  const found = results.flatMap((row) => (row.coin_type === null || row.address === null ? [] : [[row.coin_type, row.address as Hex] as const]));
  return { exists: results.length > 0, value: new Map(found) };
}

/** The contenthash of `node` (undefined when unset), and whether the name exists. */
export async function findContenthashOfName(client: D1Client, node: Hex): Promise<NamedRecord<Hex>> {
  const row = await client.prepare(CONTENTHASH_OF_NAME).bind(node).first<{ contenthash: Hex | null }>();
  return { exists: row !== null, value: row?.contenthash ?? undefined };
}

/** A `domains` row as the gateway needs it (no webhook secret). */
export type ServedDomainRow = {
  name: string;
  resolverAddress: Address;
  chainId: number;
  allowAddressNames: boolean;
  webhookUrl: string | null;
  database: string;
};

/** Every domain's row (a handful per deployment; the gateway keeps the list in the isolate). */
export async function listServedDomainRows(client: D1Client): Promise<ServedDomainRow[]> {
  const { results } = await client.prepare(SERVED_DOMAIN_ROWS).all<{
    name: string;
    resolver_address: string;
    chain_id: number;
    allow_address_names: number;
    webhook_url: string | null;
    database: string;
  }>();
  return results.map((row) => ({
    name: row.name,
    resolverAddress: row.resolver_address as Address,
    chainId: row.chain_id,
    allowAddressNames: row.allow_address_names === 1,
    webhookUrl: row.webhook_url,
    database: row.database,
  }));
}
