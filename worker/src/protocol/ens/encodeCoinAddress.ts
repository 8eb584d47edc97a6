import { getCoderByCoinType } from "@ensdomains/address-encoder";
import { bytesToHex, type Hex, hexToBytes, isHex, size } from "viem";
import { ETH_COIN_TYPE, isEvmCoinType } from "./coinTypes";

const EVM_ADDRESS_BYTES = 20;

/**
 * The ENSIP-9 binary form of an address for `coinType`: from the coin's own text format
 * (`bc1…`, `So1…`, `0x…`) via ENS's address encoder, or from 0x-hex bytes already encoded —
 * which must then decode as a valid address of that coin. Unknown coin types take hex bytes only.
 *
 * @example encodeCoinAddress(0, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4") // "0x0014751e76e8199196d454941c45d1b3a323f1433bd6"
 * @see https://docs.ens.domains/ensip/9
 * @throws {Error} with the reason, when the address is not valid for the coin type.
 */
export function encodeCoinAddress(coinType: number, value: string): Hex {
  const evm = coinType === ETH_COIN_TYPE || isEvmCoinType(BigInt(coinType));
  if (isHex(value, { strict: true }) && value.length % 2 === 0) {
    if (value === "0x") throw new Error("must not be empty");
    if (evm && size(value) !== EVM_ADDRESS_BYTES) throw new Error("EVM addresses are exactly 20 bytes");
    const coder = coderFor(coinType);
    if (coder && !evm) coder.encode(hexToBytes(value)); // throws if the bytes are no address of this coin
    return value.toLowerCase() as Hex;
  }
  const coder = coderFor(coinType);
  if (!coder) throw new Error(`coin type ${coinType} is unknown to the address encoder: send the address as 0x-hex bytes`);
  return bytesToHex(coder.decode(value));
}

function coderFor(coinType: number) {
  try {
    return getCoderByCoinType(coinType);
  } catch {
    return undefined; // A coin type the encoder does not know.
  }
}
