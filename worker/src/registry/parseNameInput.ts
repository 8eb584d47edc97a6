import { type Address, getAddress, type Hex, isAddress, isHex, size } from "viem";
import { DM3_PROFILE_TEXT_KEY, type SignedUserProfile } from "../dm3/profile";
import { ETH_COIN_TYPE, isEvmCoinType } from "../ens/coinTypes";
import { InvalidRegistryInputError } from "./errors";
import { NAME_LIMITS } from "./limits";

/** A checked `PUT /v1/names/{name}` body. */
export type NameInput = {
  owner: Address;
  texts: Record<string, string>;
  /** Coin type (decimal string) → address bytes. */
  addresses: Record<string, Hex>;
  contenthash: Hex | null;
  dm3Profile: SignedUserProfile | null;
};

const utf8 = new TextEncoder();
const MAX_COIN_TYPE = 2 ** 32 - 1;
const EVM_ADDRESS_BYTES = 20;

/**
 * Checks the JSON body of a name write against the record limits: owner address, text records
 * (string → string), addresses by coin type (EVM coin types must be 20 bytes), contenthash bytes
 * and an optional DM3 profile (shape only; the signature is checked by the caller).
 *
 * @throws {InvalidRegistryInputError} naming the first field that is wrong.
 */
export function parseNameInput(body: unknown): NameInput {
  const input = asObject(body, "body");
  const owner = input.owner;
  if (typeof owner !== "string" || !isAddress(owner, { strict: false })) fail("`owner` must be an Ethereum address");
  return {
    owner: getAddress(owner),
    texts: parseTexts(input.texts),
    addresses: parseAddresses(input.addresses),
    contenthash: parseContenthash(input.contenthash),
    dm3Profile: input.dm3Profile == null ? null : parseSignedProfile(input.dm3Profile),
  };
}

function parseTexts(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  const entries = Object.entries(asObject(value, "texts"));
  if (entries.length > NAME_LIMITS.maxTextRecords) fail(`At most ${NAME_LIMITS.maxTextRecords} text records`);
  const texts: Record<string, string> = {};
  for (const [key, text] of entries) {
    if (key.length === 0 || utf8.encode(key).length > NAME_LIMITS.maxTextKeyBytes) {
      fail(`Text record keys must be 1..${NAME_LIMITS.maxTextKeyBytes} bytes`);
    }
    if (key === DM3_PROFILE_TEXT_KEY) fail(`Set \`${DM3_PROFILE_TEXT_KEY}\` through \`dm3Profile\` so it is verified`);
    if (typeof text !== "string") fail(`Text record "${key}" must be a string`);
    if (utf8.encode(text).length > NAME_LIMITS.maxTextValueBytes) {
      fail(`Text record "${key}" is longer than ${NAME_LIMITS.maxTextValueBytes} bytes`);
    }
    texts[key] = text;
  }
  return texts;
}

function parseAddresses(value: unknown): Record<string, Hex> {
  if (value === undefined) return {};
  const entries = Object.entries(asObject(value, "addresses"));
  if (entries.length > NAME_LIMITS.maxAddressRecords) fail(`At most ${NAME_LIMITS.maxAddressRecords} addresses`);
  const addresses: Record<string, Hex> = {};
  for (const [coinTypeText, address] of entries) {
    const coinType = Number(coinTypeText);
    if (!/^\d+$/.test(coinTypeText) || !Number.isSafeInteger(coinType) || coinType > MAX_COIN_TYPE) {
      fail(`Coin type "${coinTypeText}" must be a whole number up to ${MAX_COIN_TYPE}`);
    }
    if (typeof address !== "string" || !isHex(address, { strict: true }) || address.length % 2 !== 0 || address === "0x") {
      fail(`Address for coin type ${coinType} must be non-empty 0x-hex bytes`);
    }
    const bytes = size(address);
    if (bytes > NAME_LIMITS.maxAddressBytes) fail(`Address for coin type ${coinType} is too long`);
    if ((coinType === ETH_COIN_TYPE || isEvmCoinType(BigInt(coinType))) && bytes !== EVM_ADDRESS_BYTES) {
      fail(`Address for EVM coin type ${coinType} must be 20 bytes`);
    }
    addresses[String(coinType)] = address.toLowerCase() as Hex;
  }
  return addresses;
}

function parseContenthash(value: unknown): Hex | null {
  if (value == null) return null;
  if (typeof value !== "string" || !isHex(value, { strict: true }) || value.length % 2 !== 0) {
    fail("`contenthash` must be 0x-hex bytes (ENSIP-7)");
  }
  if (size(value) > NAME_LIMITS.maxContenthashBytes) fail("`contenthash` is too long");
  return value === "0x" ? null : (value.toLowerCase() as Hex);
}

function parseSignedProfile(value: unknown): SignedUserProfile {
  const signed = asObject(value, "dm3Profile");
  const profile = asObject(signed.profile, "dm3Profile.profile");
  const { publicEncryptionKey, publicSigningKey, deliveryServices } = profile;
  if (typeof publicEncryptionKey !== "string" || typeof publicSigningKey !== "string") {
    fail("`dm3Profile.profile` needs string `publicEncryptionKey` and `publicSigningKey`");
  }
  if (!Array.isArray(deliveryServices) || !deliveryServices.every((ds) => typeof ds === "string")) {
    fail("`dm3Profile.profile.deliveryServices` must be an array of ENS names");
  }
  if (typeof signed.signature !== "string" || !isHex(signed.signature, { strict: true })) {
    fail("`dm3Profile.signature` must be a 0x-hex signature");
  }
  // Keep every profile field: the owner signed the whole object, extra fields included.
  return { profile: profile as SignedUserProfile["profile"], signature: signed.signature };
}

function asObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(`\`${field}\` must be a JSON object`);
  return value as Record<string, unknown>;
}

function fail(message: string): never {
  throw new InvalidRegistryInputError(message);
}
