import * as z from "zod/mini";
import { described } from "../../protocol/described";

// NameStone's request shapes (namestonehq/namestone, data/docs/*.mdx), checked for form here; the
// records themselves are then checked as every registry write is (NameRecordsSchema).

const Label = described(z.string().check(z.minLength(1), z.maxLength(255)), { description: 'The label: "alice" in alice.acme.eth' });
const Domain = described(z.string().check(z.minLength(1), z.maxLength(255)), { description: "The served domain, e.g. acme.eth" });
const TextRecords = z.optional(z.record(z.string(), z.string()));
const CoinTypes = z.optional(z.record(z.string(), z.string()));

/** One name as `set-name`, `claim-name` and each item of `set-names` take it. */
const NameFields = {
  name: Label,
  address: z.optional(described(z.string(), { description: "The name's owner and ETH address (required here: the registry records an owner)" })),
  contenthash: z.optional(z.nullable(z.string())),
  text_records: TextRecords,
  coin_types: CoinTypes,
};

export const SetNameSchema = z.looseObject({ domain: Domain, ...NameFields });
export type SetNameInput = z.output<typeof SetNameSchema>;

export const SetNamesSchema = z.looseObject({
  domain: Domain,
  names: z.array(z.looseObject(NameFields)).check(z.minLength(1), z.maxLength(50)),
});

export const DeleteNameSchema = z.looseObject({ domain: Domain, name: Label });

export const SetDomainSchema = z.looseObject({
  domain: Domain,
  address: z.optional(z.string()),
  contenthash: z.optional(z.nullable(z.string())),
  text_records: TextRecords,
  coin_types: CoinTypes,
});

const Flag = z.optional(z.enum(["0", "1", "true", "false"]));
const Count = (fallback: number, max: number) => z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(max)), fallback);

export const GetNamesQuerySchema = z.looseObject({
  domain: z.optional(Domain),
  address: z.optional(described(z.string(), { description: "One or more addresses, comma-separated (owners)" })),
  text_records: Flag,
  limit: Count(50, 1000),
  offset: Count(0, 1_000_000),
});

export const SearchNamesQuerySchema = z.looseObject({
  domain: Domain,
  name: z.string(),
  text_records: Flag,
  exact_match: Flag,
  limit: Count(50, 1000),
  offset: Count(0, 1_000_000),
});

export const GetDomainQuerySchema = z.looseObject({ domain: Domain });

/** Whether a NameStone 1/0 (or true/false) flag is on; `fallback` when absent. */
export function flagOn(flag: string | undefined, fallback: boolean): boolean {
  return flag === undefined ? fallback : flag === "1" || flag === "true";
}

export const SiweMessageQuerySchema = z.looseObject({
  address: described(z.string().check(z.regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address")), { description: "The address that owns the domain" }),
  domain: z.optional(
    described(z.string().check(z.regex(/^[a-z0-9.-]+(:\d+)?$/i, "must be a host (yourdomain.tld)")), {
      description: "The SIWE domain (default: this worker's host)",
    }),
  ),
  uri: z.optional(described(z.url(), { description: "The SIWE URI (default: this route's URL)" })),
});

export const EnableDomainSchema = z.looseObject({
  company_name: z.optional(z.string().check(z.maxLength(200))),
  email: z.optional(z.string().check(z.maxLength(320))),
  address: z.string().check(z.regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address")),
  domain: Domain,
  signature: z.string().check(z.regex(/^0x[0-9a-fA-F]+$/, "must be 0x-hex")),
  api_key: z.optional(z.string()),
  cycle_key: z.optional(z.enum(["0", "1"])),
});
