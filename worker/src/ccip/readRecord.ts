import { encodeAbiParameters, type Hex, zeroAddress } from "viem";
import type { D1Client } from "../db/d1Clients";
import { findAddressRecordsOfName, findContenthashOfName, findTextRecordOfName } from "../db/lookupReads";
import { DEFAULT_EVM_COIN_TYPE, ETH_COIN_TYPE, isEvmCoinType } from "../protocol/ens/coinTypes";
import type { RecordQuery } from "../protocol/ccip/decodeResolveCall";

const ADDRESS_OUTPUT = [{ type: "address" }] as const;
const BYTES_OUTPUT = [{ type: "bytes" }] as const;
const STRING_OUTPUT = [{ type: "string" }] as const;
const ADDRESS_BYTES_HEX_LENGTH = 42;

/**
 * Reads one record from D1 and ABI-encodes it as the record function returns it, with whether the
 * name exists (one query either way: answers for unknown names are not cached). Unset records
 * (and unknown names) encode the ENS "unset" value: zero address, empty bytes, empty string; an
 * unset EVM coin type falls back to the ENSIP-19 default EVM address.
 *
 * @example await readRecord(db, { kind: "text", node, key: "network.dm3.profile" }) // abi.encode(string)
 * @see https://docs.ens.domains/ensip/9 https://docs.ens.domains/ensip/19
 */
export async function readRecord(db: D1Client, record: RecordQuery): Promise<{ exists: boolean; data: Hex }> {
  switch (record.kind) {
    case "addr": {
      const { exists, value } = await findAddressRecordsOfName(db, record.node, [ETH_COIN_TYPE]);
      const address = value?.get(ETH_COIN_TYPE);
      const valid = address?.length === ADDRESS_BYTES_HEX_LENGTH;
      return { exists, data: encodeAbiParameters(ADDRESS_OUTPUT, [valid ? address : zeroAddress]) };
    }
    case "addrByCoinType": {
      const { exists, address } = await readCoinAddress(db, record.node, record.coinType);
      return { exists, data: encodeAbiParameters(BYTES_OUTPUT, [address]) };
    }
    case "text": {
      const { exists, value } = await findTextRecordOfName(db, record.node, record.key);
      return { exists, data: encodeAbiParameters(STRING_OUTPUT, [value ?? ""]) };
    }
    case "contenthash": {
      const { exists, value } = await findContenthashOfName(db, record.node);
      return { exists, data: encodeAbiParameters(BYTES_OUTPUT, [value ?? "0x"]) };
    }
  }
}

/**
 * What `record` answers for a name that does not exist (the ENS "unset" value), with no read: the
 * same bytes {@link readRecord} gives for an unknown name.
 */
export function unsetRecord(record: RecordQuery): Hex {
  switch (record.kind) {
    case "addr":
      return encodeAbiParameters(ADDRESS_OUTPUT, [zeroAddress]);
    case "text":
      return encodeAbiParameters(STRING_OUTPUT, [""]);
    case "addrByCoinType":
    case "contenthash":
      return encodeAbiParameters(BYTES_OUTPUT, ["0x"]);
  }
}

async function readCoinAddress(db: D1Client, node: Hex, coinType: bigint): Promise<{ exists: boolean; address: Hex }> {
  if (coinType > BigInt(Number.MAX_SAFE_INTEGER)) return { exists: (await findContenthashOfName(db, node)).exists, address: "0x" };
  const wanted = Number(coinType);
  const candidates: [number] | [number, number] = isEvmCoinType(coinType) ? [wanted, DEFAULT_EVM_COIN_TYPE] : [wanted];
  const { exists, value: found } = await findAddressRecordsOfName(db, node, candidates);
  return { exists, address: found?.get(wanted) ?? found?.get(DEFAULT_EVM_COIN_TYPE) ?? "0x" };
}
