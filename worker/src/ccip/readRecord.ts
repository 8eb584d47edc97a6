import { encodeAbiParameters, type Hex, zeroAddress } from "viem";
import type { Database } from "../db/client";
import { findAddressRecords, findContenthash, findTextRecord } from "../db/names";
import { DEFAULT_EVM_COIN_TYPE, ETH_COIN_TYPE, isEvmCoinType } from "../protocol/ens/coinTypes";
import type { RecordQuery } from "../protocol/ccip/decodeResolveCall";

const ADDRESS_OUTPUT = [{ type: "address" }] as const;
const BYTES_OUTPUT = [{ type: "bytes" }] as const;
const STRING_OUTPUT = [{ type: "string" }] as const;
const ADDRESS_BYTES_HEX_LENGTH = 42;

/**
 * Reads one record from D1 and ABI-encodes it as the record function returns it. Unset records
 * (and unknown names) encode the ENS "unset" value: zero address, empty bytes, empty string; an
 * unset EVM coin type falls back to the ENSIP-19 default EVM address.
 *
 * @example await readRecord(db, { kind: "text", node, key: "network.dm3.profile" }) // abi.encode(string)
 * @see https://docs.ens.domains/ensip/9 https://docs.ens.domains/ensip/19
 */
export async function readRecord(db: Database, record: RecordQuery): Promise<Hex> {
  switch (record.kind) {
    case "addr": {
      const address = (await findAddressRecords(db, record.node, [ETH_COIN_TYPE])).get(ETH_COIN_TYPE);
      const valid = address?.length === ADDRESS_BYTES_HEX_LENGTH;
      return encodeAbiParameters(ADDRESS_OUTPUT, [valid ? address : zeroAddress]);
    }
    case "addrByCoinType":
      return encodeAbiParameters(BYTES_OUTPUT, [await readCoinAddress(db, record.node, record.coinType)]);
    case "text":
      return encodeAbiParameters(STRING_OUTPUT, [(await findTextRecord(db, record.node, record.key)) ?? ""]);
    case "contenthash":
      return encodeAbiParameters(BYTES_OUTPUT, [(await findContenthash(db, record.node)) ?? "0x"]);
  }
}

async function readCoinAddress(db: Database, node: Hex, coinType: bigint): Promise<Hex> {
  if (coinType > BigInt(Number.MAX_SAFE_INTEGER)) return "0x";
  const wanted = Number(coinType);
  const candidates = isEvmCoinType(coinType) ? [wanted, DEFAULT_EVM_COIN_TYPE] : [wanted];
  const found = await findAddressRecords(db, node, candidates);
  return found.get(wanted) ?? found.get(DEFAULT_EVM_COIN_TYPE) ?? "0x";
}
