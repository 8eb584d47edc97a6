import { decode, getCodec } from "@ensdomains/content-hash";
import type { Hex } from "viem";
import { CONTENTHASH_SCHEMES } from "./encodeContenthash";

/**
 * A contenthash's bytes as the URI people write (`ipfs://bafy…`) — the inverse of
 * `encodeContenthash` — or the 0x-hex itself for a codec without a URI scheme here.
 *
 * @example contenthashUri("0xe3010170122029f2…") // "ipfs://bafybei…"
 */
export function contenthashUri(contenthash: Hex): string {
  const hex = contenthash.slice(2);
  const codec = getCodec(hex);
  const scheme = Object.entries(CONTENTHASH_SCHEMES).find(([, known]) => known === codec)?.[0];
  if (!scheme) return contenthash;
  try {
    return `${scheme}${decode(hex)}`;
  } catch {
    return contenthash;
  }
}
