import { getAddress, type Hex, isAddress } from "viem";
import * as z from "zod/mini";
import type { SignedUserProfile } from "../protocol/dm3/profile";
import { DM3_PROFILE_TEXT_KEY } from "../protocol/dm3/profile";
import { encodeCoinAddress } from "../protocol/ens/encodeCoinAddress";
import { encodeContenthash } from "../protocol/ens/encodeContenthash";
import { described } from "../protocol/described";
import { NAME_LIMITS } from "./limits";

/**
 * The registry's request schemas (zod/mini: the same checks as zod's classic API at a fifth of its
 * bundle size): they validate every request and generate `/openapi.json`.
 */

const utf8Length = (text: string) => new TextEncoder().encode(text).length;
const MAX_COIN_TYPE = 2 ** 32 - 1;
const HEX_SIGNATURE = /^0x[0-9a-fA-F]+$/;
const pageLimit = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(NAME_LIMITS.maxPageSize)), fallback);

export const AddressSchema = described(
  z.pipe(
    z.string().check(z.refine((value) => isAddress(value, { strict: false }), "must be a 20-byte 0x-hex Ethereum address")),
    z.transform((value: string) => getAddress(value)),
  ),
  { description: "Ethereum address (any hex case)", example: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" },
);

const TextsSchema = described(
  z
    .record(
      z.string().check(
        z.minLength(1),
        z.refine((key) => utf8Length(key) <= NAME_LIMITS.maxTextKeyBytes, `keys are at most ${NAME_LIMITS.maxTextKeyBytes} bytes`),
        z.refine((key) => key !== DM3_PROFILE_TEXT_KEY, `set ${DM3_PROFILE_TEXT_KEY} through dm3Profile so it is verified`),
      ),
      z.string().check(z.refine((value) => utf8Length(value) <= NAME_LIMITS.maxTextValueBytes, `values are at most ${NAME_LIMITS.maxTextValueBytes} bytes`)),
    )
    .check(z.refine((texts) => Object.keys(texts).length <= NAME_LIMITS.maxTextRecords, `at most ${NAME_LIMITS.maxTextRecords} text records`)),
  { description: "ENSIP-5 text records", example: { url: "https://example.org" } },
);

const AddressesSchema = described(
  z.pipe(
    z
      .record(
        z.string().check(
          z.regex(/^\d+$/, "coin types are decimal numbers"),
          z.refine((type) => Number(type) <= MAX_COIN_TYPE, `coin types are at most ${MAX_COIN_TYPE}`),
        ),
        z.string().check(z.maxLength(NAME_LIMITS.maxAddressBytes * 2 + 2)),
      )
      .check(z.refine((addresses) => Object.keys(addresses).length <= NAME_LIMITS.maxAddressRecords, `at most ${NAME_LIMITS.maxAddressRecords} addresses`)),
    z.transform((addresses: Record<string, string>, context) => {
      const encoded: Record<string, Hex> = {};
      for (const [coinType, address] of Object.entries(addresses)) {
        try {
          encoded[String(Number(coinType))] = encodeCoinAddress(Number(coinType), address);
        } catch (error) {
          context.issues.push({
            code: "custom",
            input: address,
            path: [coinType],
            message: `not a valid address for coin type ${coinType}: ${(error as Error).message}`,
          });
        }
      }
      return encoded;
    }),
  ),
  {
    description:
      "Addresses by SLIP-44 / ENSIP-11 coin type (decimal): ENSIP-9 0x-hex bytes, or the coin's own format for EVM chains (0x…), BTC (0), LTC (2), DOGE (3), BCH (145), SOL (501)",
    example: { "0": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "2147483658": "0x1111111111111111111111111111111111111111" },
  },
);

const ContenthashSchema = described(
  z.pipe(
    z.string().check(z.maxLength(NAME_LIMITS.maxContenthashBytes * 2 + 2)),
    z.transform((value: string, context) => {
      try {
        return encodeContenthash(value);
      } catch (error) {
        context.issues.push({ code: "custom", input: value, message: (error as Error).message });
        return z.NEVER;
      }
    }),
  ),
  { description: "ENSIP-7 contenthash: ipfs://, ipns://, bzz://, ar://, onion://, onion3://, sia:// URI, or 0x-hex bytes" },
);

export const SignedUserProfileSchema = described(
  z.pipe(
    z.object({
      // Every profile field is kept: the owner signed the whole object, extra fields included.
      profile: z.looseObject({
        publicEncryptionKey: z.string().check(z.minLength(1)),
        publicSigningKey: z.string().check(z.minLength(1)),
        deliveryServices: z.array(z.string()),
      }),
      signature: z.string().check(z.regex(HEX_SIGNATURE, "must be a 0x-hex signature")),
    }),
    z.transform((value) => value as SignedUserProfile),
  ),
  { description: "DM3 SignedUserProfile; its signature must recover to the owner" },
);

/** Every record of a name, as `PUT` replaces them. */
export const NameRecordsSchema = described(
  z.strictObject({
    owner: AddressSchema,
    texts: z._default(TextsSchema, {}),
    addresses: z._default(AddressesSchema, {}),
    contenthash: z._default(z.nullable(ContenthashSchema), null),
    dm3Profile: z._default(z.nullable(SignedUserProfileSchema), null),
  }),
  { title: "NameRecords" },
);
export type NameRecords = z.output<typeof NameRecordsSchema>;

/** A partial update: given fields replace, `null` text/address values delete one entry. */
export const NamePatchSchema = described(
  z.strictObject({
    owner: z.optional(AddressSchema),
    texts: z.optional(z.record(z.string().check(z.minLength(1)), z.nullable(z.string()))),
    addresses: z.optional(z.record(z.string().check(z.regex(/^\d+$/)), z.nullable(z.string()))),
    contenthash: z.optional(z.nullable(ContenthashSchema)),
    dm3Profile: z.optional(z.nullable(SignedUserProfileSchema)),
  }),
  { title: "NamePatch" },
);
export type NamePatch = z.output<typeof NamePatchSchema>;

export const DomainSchema = described(
  z.strictObject({
    resolverAddress: AddressSchema,
    chainId: z.int().check(z.positive()),
    allowAddressNames: described(z.optional(z.boolean()), {
      description: "Anyone may register 0x<own address>.<domain> by signature (omitted: unchanged; false for a new domain)",
    }),
    database: described(z.optional(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "must be a D1 binding name"))), {
      description: "The D1 binding to keep the domain's names in: DB or one of NAME_DATABASES (omitted: NEW_DOMAINS_DATABASE; fixed once registered)",
    }),
  }),
  { title: "Domain" },
);
export type DomainInput = z.output<typeof DomainSchema>;

export const ApiKeyCreateSchema = described(
  z.strictObject({
    label: z.string().check(z.minLength(1), z.maxLength(100)),
    expiresAtSeconds: described(z.optional(z.int().check(z.positive())), { description: "Unix seconds; omit for no expiry" }),
  }),
  { title: "ApiKeyCreate" },
);

/** A write signed by the name's owner (EIP-712), no API key needed. */
export const SignedNameWriteSchema = described(
  z
    .strictObject({
      action: z.enum(["put", "delete"]),
      records: z.optional(NameRecordsSchema),
      nonce: described(z.int().check(z.positive()), { description: "Greater than the name's last nonce" }),
      expiry: described(z.int().check(z.positive()), { description: "Unix seconds after which the signature is void" }),
      signature: z.string().check(z.regex(HEX_SIGNATURE)),
    })
    .check(z.refine((write) => (write.action === "put") === (write.records !== undefined), "`records` is required for put and absent for delete")),
  { title: "SignedNameWrite" },
);
export type SignedNameWrite = z.output<typeof SignedNameWriteSchema>;

export const BulkItemSchema = z.looseObject({ name: z.string().check(z.minLength(1)) });
export const BulkSchema = described(z.strictObject({ names: z.array(BulkItemSchema).check(z.minLength(1), z.maxLength(NAME_LIMITS.maxBulkItems)) }), {
  title: "BulkUpsert",
});

export const ListQuerySchema = z.strictObject({
  prefix: z.optional(z.string().check(z.maxLength(255))),
  owner: z.optional(AddressSchema),
  cursor: z.optional(z.string().check(z.maxLength(300))),
  limit: pageLimit(50),
});

const PAGE_QUERY_SHAPE = {
  cursor: z.optional(z.string().check(z.maxLength(300))),
  limit: pageLimit(50),
};
export const PageQuerySchema = z.strictObject(PAGE_QUERY_SHAPE);

/** A page of the change feed. */
export const ChangesQuerySchema = z.strictObject({
  after: described(
    z.optional(
      z
        .string()
        .check(
          z.regex(
            /^(\d{1,15}(@\d{1,9})?|[A-Za-z_][A-Za-z0-9_]{0,63}:\d{1,15}(@\d{1,9})?(,[A-Za-z_][A-Za-z0-9_]{0,63}:\d{1,15}(@\d{1,9})?){0,15})$/,
            "must be a cursor this feed returned",
          ),
        ),
    ),
    {
      description:
        "A `cursor` the feed returned (omitted: from the beginning). A cursor inside history folded since it was issued gets 410 `cursor_expired`: start again from the beginning",
    },
  ),
  limit: pageLimit(100),
  domain: described(z.optional(z.string().check(z.minLength(1), z.maxLength(255))), { description: "Only this served domain's names" }),
});

/** A page of the audit trail: its cursor is where the previous page ended (per database the trail is in). */
export const AuditPageQuerySchema = z.strictObject({
  ...PAGE_QUERY_SHAPE,
  cursor: z.optional(z.string().check(z.regex(/^([1-9]\d{0,14}|([1-9]\d{0,14})?:([1-9]\d{0,14})?)$/, "must be the nextCursor of the previous page"))),
});

/** `POST /profile/address` as dm3's offchain resolver takes it. */
export const Dm3AddressProfileSchema = z.looseObject({
  signedUserProfile: SignedUserProfileSchema,
  address: AddressSchema,
  subdomain: z.string().check(z.minLength(1)),
});

/**
 * Gateway mode: where a domain's envelopes are POSTed. https to a public host; the route also
 * refuses private, link-local, metadata and (outside the local stack) loopback targets.
 */
export const WebhookSchema = described(
  z.strictObject({
    url: described(z.url().check(z.maxLength(2048)), { description: "https to a public host (http only to loopback on the local stack)" }),
  }),
  { title: "Webhook" },
);
