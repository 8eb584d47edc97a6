import { getAddress, type Hex, isAddress } from "viem";
import * as z from "zod";
import type { SignedUserProfile } from "../protocol/dm3/profile";
import { DM3_PROFILE_TEXT_KEY } from "../protocol/dm3/profile";
import { encodeCoinAddress } from "../protocol/ens/encodeCoinAddress";
import { encodeContenthash } from "../protocol/ens/encodeContenthash";
import { NAME_LIMITS } from "./limits";

/**
 * The registry's request schemas: they validate every request and generate `/openapi.json`.
 */

const utf8Length = (text: string) => new TextEncoder().encode(text).length;
const MAX_COIN_TYPE = 2 ** 32 - 1;

export const AddressSchema = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), "must be a 20-byte 0x-hex Ethereum address")
  .transform((value) => getAddress(value))
  .meta({ description: "Ethereum address (any hex case)", example: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" });

const TextsSchema = z
  .record(
    z
      .string()
      .min(1)
      .refine((key) => utf8Length(key) <= NAME_LIMITS.maxTextKeyBytes, `keys are at most ${NAME_LIMITS.maxTextKeyBytes} bytes`)
      .refine((key) => key !== DM3_PROFILE_TEXT_KEY, `set ${DM3_PROFILE_TEXT_KEY} through dm3Profile so it is verified`),
    z.string().refine((value) => utf8Length(value) <= NAME_LIMITS.maxTextValueBytes, `values are at most ${NAME_LIMITS.maxTextValueBytes} bytes`),
  )
  .refine((texts) => Object.keys(texts).length <= NAME_LIMITS.maxTextRecords, `at most ${NAME_LIMITS.maxTextRecords} text records`)
  .meta({ description: "ENSIP-5 text records", example: { url: "https://example.org" } });

const AddressesSchema = z
  .record(
    z
      .string()
      .regex(/^\d+$/, "coin types are decimal numbers")
      .refine((type) => Number(type) <= MAX_COIN_TYPE, `coin types are at most ${MAX_COIN_TYPE}`),
    z.string().max(NAME_LIMITS.maxAddressBytes * 2 + 2),
  )
  .refine((addresses) => Object.keys(addresses).length <= NAME_LIMITS.maxAddressRecords, `at most ${NAME_LIMITS.maxAddressRecords} addresses`)
  .transform((addresses, context) => {
    const encoded: Record<string, Hex> = {};
    for (const [coinType, address] of Object.entries(addresses)) {
      try {
        encoded[String(Number(coinType))] = encodeCoinAddress(Number(coinType), address);
      } catch (error) {
        context.addIssue({ code: "custom", path: [coinType], message: `not a valid address for coin type ${coinType}: ${(error as Error).message}` });
      }
    }
    return encoded;
  })
  .meta({
    description: "Addresses by SLIP-44 / ENSIP-11 coin type (decimal): the coin's own format (bc1…, So1…) or ENSIP-9 0x-hex bytes",
    example: { "0": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "2147483658": "0x1111111111111111111111111111111111111111" },
  });

const ContenthashSchema = z
  .string()
  .max(NAME_LIMITS.maxContenthashBytes * 2 + 2)
  .transform((value, context) => {
    try {
      return encodeContenthash(value);
    } catch (error) {
      context.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  })
  .meta({ description: "ENSIP-7 contenthash: ipfs://, ipns://, bzz://, ar://, onion://, onion3://, sia:// URI, or 0x-hex bytes" });

export const SignedUserProfileSchema = z
  .object({
    // Every profile field is kept: the owner signed the whole object, extra fields included.
    profile: z.looseObject({
      publicEncryptionKey: z.string().min(1),
      publicSigningKey: z.string().min(1),
      deliveryServices: z.array(z.string()),
    }),
    signature: z.string().regex(/^0x[0-9a-fA-F]+$/, "must be a 0x-hex signature"),
  })
  .transform((value) => value as SignedUserProfile)
  .meta({ description: "DM3 SignedUserProfile; its signature must recover to the owner" });

/** Every record of a name, as `PUT` replaces them. */
export const NameRecordsSchema = z
  .strictObject({
    owner: AddressSchema,
    texts: TextsSchema.default({}),
    addresses: AddressesSchema.default({}),
    contenthash: ContenthashSchema.nullable().default(null),
    dm3Profile: SignedUserProfileSchema.nullable().default(null),
  })
  .meta({ title: "NameRecords" });
export type NameRecords = z.output<typeof NameRecordsSchema>;

/** A partial update: given fields replace, `null` text/address values delete one entry. */
export const NamePatchSchema = z
  .strictObject({
    owner: AddressSchema.optional(),
    texts: z.record(z.string().min(1), z.string().nullable()).optional(),
    addresses: z.record(z.string().regex(/^\d+$/), z.string().nullable()).optional(),
    contenthash: ContenthashSchema.nullable().optional(),
    dm3Profile: SignedUserProfileSchema.nullable().optional(),
  })
  .meta({ title: "NamePatch" });
export type NamePatch = z.output<typeof NamePatchSchema>;

export const DomainSchema = z
  .strictObject({
    resolverAddress: AddressSchema,
    chainId: z.number().int().positive(),
    allowAddressNames: z
      .boolean()
      .optional()
      .meta({ description: "Anyone may register 0x<own address>.<domain> by signature (omitted: unchanged; false for a new domain)" }),
    database: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "must be a D1 binding name")
      .optional()
      .meta({
        description: "The D1 binding to keep the domain's names in: DB or one of NAME_DATABASES (omitted: NEW_DOMAINS_DATABASE; fixed once registered)",
      }),
  })
  .meta({ title: "Domain" });

export const ApiKeyCreateSchema = z
  .strictObject({
    label: z.string().min(1).max(100),
    expiresAtSeconds: z.number().int().positive().optional().meta({ description: "Unix seconds; omit for no expiry" }),
  })
  .meta({ title: "ApiKeyCreate" });

/** A write signed by the name's owner (EIP-712), no API key needed. */
export const SignedNameWriteSchema = z
  .strictObject({
    action: z.enum(["put", "delete"]),
    records: NameRecordsSchema.optional(),
    nonce: z.number().int().positive().meta({ description: "Greater than the name's last nonce" }),
    expiry: z.number().int().positive().meta({ description: "Unix seconds after which the signature is void" }),
    signature: z.string().regex(/^0x[0-9a-fA-F]+$/),
  })
  .refine((write) => (write.action === "put") === (write.records !== undefined), "`records` is required for put and absent for delete")
  .meta({ title: "SignedNameWrite" });
export type SignedNameWrite = z.output<typeof SignedNameWriteSchema>;

export const BulkItemSchema = z.looseObject({ name: z.string().min(1) });
export const BulkSchema = z.strictObject({ names: z.array(BulkItemSchema).min(1).max(NAME_LIMITS.maxBulkItems) }).meta({ title: "BulkUpsert" });

export const ListQuerySchema = z.strictObject({
  prefix: z.string().max(255).optional(),
  owner: AddressSchema.optional(),
  cursor: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(NAME_LIMITS.maxPageSize).default(50),
});

export const PageQuerySchema = z.strictObject({
  cursor: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(NAME_LIMITS.maxPageSize).default(50),
});

/** A page of the change feed. */
export const ChangesQuerySchema = z.strictObject({
  after: z
    .string()
    .regex(/^(\d{1,15}|[A-Za-z_][A-Za-z0-9_]{0,63}:\d{1,15}(,[A-Za-z_][A-Za-z0-9_]{0,63}:\d{1,15}){0,15})$/, "must be a cursor this feed returned")
    .optional()
    .meta({ description: "A `cursor` the feed returned (omitted: from the beginning)" }),
  limit: z.coerce.number().int().min(1).max(NAME_LIMITS.maxPageSize).default(100),
  domain: z.string().min(1).max(255).optional().meta({ description: "Only this served domain's names" }),
});

/** A page of the audit trail: its cursor is where the previous page ended (per database the trail is in). */
export const AuditPageQuerySchema = PageQuerySchema.extend({
  cursor: z
    .string()
    .regex(/^([1-9]\d{0,14}|([1-9]\d{0,14})?:([1-9]\d{0,14})?)$/, "must be the nextCursor of the previous page")
    .optional(),
});

/** `POST /profile/address` as dm3's offchain resolver takes it. */
export const Dm3AddressProfileSchema = z.looseObject({
  signedUserProfile: SignedUserProfileSchema,
  address: AddressSchema,
  subdomain: z.string().min(1),
});

/**
 * Gateway mode: where a domain's envelopes are POSTed. https to a public host; the route also
 * refuses private, link-local, metadata and (outside the local stack) loopback targets.
 */
export const WebhookSchema = z
  .strictObject({
    url: z.url().max(2048).meta({ description: "https to a public host (http only to loopback on the local stack)" }),
  })
  .meta({ title: "Webhook" });
