import {
  type Abi,
  type Address,
  type Chain,
  type ContractFunctionArgs,
  type ContractFunctionName,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  isHex,
  type TransactionReceipt,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { UsageError } from "./cliErrors";

/** A JSON-RPC endpoint with a signing account, checked to be the chain the caller expects. */
export type ChainConnection = Awaited<ReturnType<typeof connectChain>>;

/**
 * Connects to `rpcUrl` as the holder of `privateKey`. With `expectedChainId`, refuses to go on if
 * the endpoint is another chain (a wrong RPC URL must not deploy to the wrong network).
 */
export async function connectChain(options: { rpcUrl: string; privateKey: Hex; expectedChainId?: number }) {
  const probe = createPublicClient({ transport: http(options.rpcUrl) });
  const chainId = await probe.getChainId();
  if (options.expectedChainId !== undefined && chainId !== options.expectedChainId) {
    throw new UsageError(`The RPC at ${options.rpcUrl} is chain ${chainId}, not the expected chain ${options.expectedChainId}`);
  }
  const chain: Chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [options.rpcUrl] } },
  });
  const account = privateKeyToAccount(options.privateKey);
  const transport = http(options.rpcUrl);
  const publicClient = createPublicClient({ chain, transport });
  const wallet = createWalletClient({ chain, transport, account });

  /** Sends a contract call and waits for it; throws if it reverted. */
  async function write<const abi extends Abi, functionName extends ContractFunctionName<abi, "nonpayable" | "payable">>(
    address: Address,
    abi: abi,
    functionName: functionName,
    args: ContractFunctionArgs<abi, "nonpayable" | "payable", functionName>,
  ): Promise<TransactionReceipt> {
    const { request } = await publicClient.simulateContract({ address, abi, functionName, args, account } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await wallet.writeContract(request as never) });
    if (receipt.status !== "success") throw new Error(`${functionName} reverted (tx ${receipt.transactionHash})`);
    return receipt;
  }

  return { chainId, account, publicClient, wallet, write };
}

/** A private key from the environment variable `name` (never from a flag: it would land in shell history). */
export function privateKeyFromEnv(names: string[], fallback?: Hex): Hex {
  for (const name of names) {
    const value = process.env[name]?.trim();
    if (value) {
      if (!isHex(value) || value.length !== 66) throw new UsageError(`$${name} must be a 0x-prefixed 32-byte hex private key`);
      return value;
    }
  }
  if (fallback) return fallback;
  throw new UsageError(`Set $${names[0]} to the private key that signs this transaction`);
}
