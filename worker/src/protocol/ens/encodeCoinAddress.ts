import { bch, btc, doge, ltc, sol } from "@ensdomains/address-encoder/coins";
import { bytesToHex, type Hex, hexToBytes, isHex, size } from "viem";
import { ETH_COIN_TYPE, isEvmCoinType } from "./coinTypes";

const EVM_ADDRESS_BYTES = 20;

/**
 * The coins whose own text format (`bc1…`, `L…`, `D…`, `So1…`) the registry reads besides EVM's
 * `0x…`. ENS's encoder knows ~290 coins, but its whole table costs ~50 KiB of the worker's bundle;
 * every other coin type is written as its ENSIP-9 bytes in 0x-hex (what any ENS client sends).
 */
const TEXT_FORMAT_CODERS = new Map([btc, ltc, doge, bch, sol].map((coin) => [coin.coinType as number, coin]));

/**
 * The ENSIP-9 binary form of an address for `coinType`: from the coin's own text format (EVM
 * chains and the coins above), or from 0x-hex bytes already encoded — which, for a
 * coin with a text format, must decode as a valid address of that coin.
 *
 * @example encodeCoinAddress(0, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4") // "0x0014751e76e8199196d454941c45d1b3a323f1433bd6"
 * @see https://docs.ens.domains/ensip/9
 * @throws {Error} with the reason, when the address is not valid for the coin type.
 */
export function encodeCoinAddress(coinType: number, value: string): Hex {
  const evm = coinType === ETH_COIN_TYPE || isEvmCoinType(BigInt(coinType));
  const coder = TEXT_FORMAT_CODERS.get(coinType);
  if (isHex(value, { strict: true }) && value.length % 2 === 0) {
    if (value === "0x") throw new Error("must not be empty");
    if (evm && size(value) !== EVM_ADDRESS_BYTES) throw new Error("EVM addresses are exactly 20 bytes");
    coder?.encode(hexToBytes(value)); // throws if the bytes are no address of this coin
    return value.toLowerCase() as Hex;
  }
  if (evm) throw new Error("EVM addresses are 20 bytes of 0x-hex");
  if (!coder) {
    throw new Error(
      `the registry reads text-format addresses only for EVM chains and coin types ${[...TEXT_FORMAT_CODERS.keys()].join(", ")}: send coin type ${coinType}'s address as its ENSIP-9 bytes in 0x-hex`,
    );
  }
  return bytesToHex(coder.decode(value));
}
