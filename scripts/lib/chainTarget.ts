import { type Address, getAddress, isAddress } from "viem";
import { LOCAL_DEPLOYER_KEY } from "../stack/deployContracts";
import { type ChainConnection, connectChain, privateKeyFromEnv } from "./chain";
import { UsageError } from "./cliErrors";
import { readStackFile } from "./stackConfig";

/** Flags every on-chain command takes. */
export const CHAIN_ARGS = {
  rpc: { type: "string", description: "JSON-RPC URL (or $RPC_URL; default: the local stack's)" },
  "chain-id": { type: "string", description: "Chain id the RPC must be (or $CHAIN_ID; required off the local stack)" },
} as const;

/**
 * Connects to the chain named by flags or environment, signing with the first private key found in
 * `keyEnvNames`. Against the local stack's chain, Hardhat's account #0 is the default signer; any
 * other chain needs an explicit chain id, so a wrong RPC URL cannot send a transaction elsewhere.
 */
export async function connectFromFlags(flags: { rpc?: string | undefined; "chain-id"?: string | undefined }, keyEnvNames: string[]): Promise<ChainConnection> {
  const stack = readStackFile();
  const rpcUrl = flags.rpc ?? process.env.RPC_URL ?? stack.rpcUrl;
  if (!rpcUrl) throw new UsageError("No chain to talk to: pass --rpc (or set $RPC_URL), or run `npm start`");
  const isLocalStack = rpcUrl === stack.rpcUrl;
  const chainIdText = flags["chain-id"] ?? process.env.CHAIN_ID;
  if (chainIdText !== undefined && !/^\d+$/.test(chainIdText)) throw new UsageError(`--chain-id takes a number, not "${chainIdText}"`);
  if (chainIdText === undefined && !isLocalStack) throw new UsageError("Pass --chain-id (or set $CHAIN_ID) for a chain other than the local stack's");
  const privateKey = privateKeyFromEnv(keyEnvNames, isLocalStack ? LOCAL_DEPLOYER_KEY : undefined);
  return connectChain({ rpcUrl, privateKey, ...(chainIdText !== undefined && { expectedChainId: Number(chainIdText) }) });
}

/** Comma-separated flag values (`a,b`), trimmed, empty ones dropped. */
export const listFlag = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/** Comma-separated addresses from `flag`, checksummed; a malformed one is a usage error. */
export function addressList(value: string | undefined, flag: string): Address[] {
  return listFlag(value).map((item) => {
    if (!isAddress(item, { strict: false })) throw new UsageError(`${flag}: "${item}" is not an address`);
    return getAddress(item);
  });
}

/** Exactly one address from `flag`. */
export function addressFlag(value: string | undefined, flag: string): Address {
  const [address, ...more] = addressList(value, flag);
  if (!address || more.length > 0) throw new UsageError(`${flag} takes one address, not "${value ?? ""}"`);
  return address;
}

/** ENS's registry on mainnet (and its testnets). */
export const MAINNET_ENS_REGISTRY: Address = "0x00000000000C2E074eC69A0dFb2997BA6C7d2e1e";

/** The ENS registry: `--registry`, `$ENS_REGISTRY`, the local stack's when `rpcUrl` is its chain, else ENS's. */
export function registryFromFlags(flag: string | undefined, rpcUrl: string | undefined): Address {
  const stack = readStackFile();
  const isLocal = (rpcUrl ?? process.env.RPC_URL ?? stack.rpcUrl) === stack.rpcUrl;
  return addressFlag(flag ?? process.env.ENS_REGISTRY ?? (isLocal ? stack.ensRegistry : MAINNET_ENS_REGISTRY), "--registry");
}

/** The worker's URL: `--gateway`, `$GATEWAY_URL`, or the local stack's. */
export function gatewayFromFlags(flag: string | undefined): string {
  const gatewayUrl = flag ?? process.env.GATEWAY_URL ?? readStackFile().gatewayUrl;
  if (!gatewayUrl) throw new UsageError("Which worker? Pass --gateway (or set $GATEWAY_URL), or run `npm start`");
  return gatewayUrl;
}
