/** SLIP-44 coin type of Ether: the address `addr(bytes32)` returns. */
export const ETH_COIN_TYPE = 60;

/** ENSIP-19 default EVM address: used for any EVM coin type that has no address of its own. */
export const DEFAULT_EVM_COIN_TYPE = 0x8000_0000;

const MAX_EVM_COIN_TYPE = 0xffff_ffff;

/** Whether `coinType` is an ENSIP-11 EVM coin type (`0x80000000 | chainId`). */
export function isEvmCoinType(coinType: bigint): boolean {
  return coinType >= BigInt(DEFAULT_EVM_COIN_TYPE) && coinType <= BigInt(MAX_EVM_COIN_TYPE);
}
