import { type Codec, encode, getCodec } from "@ensdomains/content-hash";
import type { Hex } from "viem";

/** URI schemes accepted for a contenthash, and their multicodec (ENSIP-7). */
export const CONTENTHASH_SCHEMES: Record<string, Codec> = {
  "ipfs://": "ipfs",
  "ipns://": "ipns",
  "bzz://": "swarm",
  "ar://": "arweave",
  "onion://": "onion",
  "onion3://": "onion3",
  "sia://": "skynet",
};

/**
 * The ENSIP-7 contenthash bytes of `ipfs://…`, `ipns://…`, `bzz://…`, `ar://…`, `onion://…`,
 * `onion3://…` or `sia://…` (via ENS's content-hash library), or of 0x-hex bytes that already are
 * a contenthash with a known codec.
 *
 * @example encodeContenthash("ipfs://QmRAQB6YaCyidP37UdDnjFY5vQuiBrcqdyoW1CuDgwxkD4") // "0xe3010170122029f2…"
 * @see https://docs.ens.domains/ensip/7
 * @throws {Error} with the reason.
 */
export function encodeContenthash(value: string): Hex {
  if (value.startsWith("0x")) {
    if (!/^0x([0-9a-fA-F]{2})+$/.test(value)) throw new Error("must be 0x-hex bytes or a content URI");
    if (!getCodec(value.slice(2))) throw new Error("0x-hex bytes do not start with a known contenthash codec");
    return value.toLowerCase() as Hex;
  }
  const scheme = Object.keys(CONTENTHASH_SCHEMES).find((prefix) => value.startsWith(prefix));
  if (!scheme) throw new Error(`must be 0x-hex bytes or a URI starting with ${Object.keys(CONTENTHASH_SCHEMES).join(", ")}`);
  try {
    return `0x${encode(CONTENTHASH_SCHEMES[scheme] as Codec, value.slice(scheme.length))}`;
  } catch (cause) {
    throw new Error(`${scheme} content identifier is not valid`, { cause });
  }
}
