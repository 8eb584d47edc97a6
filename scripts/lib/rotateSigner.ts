import { type Address, type Hex, isAddressEqual } from "viem";
import { createRegistryClient, type HealthReport } from "../../sdk/src/index";
import { privateKeyToAccount } from "viem/accounts";
import { resolverAdminAbi } from "../../worker/src/abi";
import type { ChainConnection } from "./chain";
import { UsageError } from "./cliErrors";

export type RotationOptions = {
  chain: ChainConnection;
  gatewayUrl: string;
  /** Resolvers to rotate; default: every resolver the worker serves on this chain. */
  resolvers?: Address[];
  newPrivateKey: Hex;
  /** Puts the new key into the worker (a wrangler secret, or the local secrets file). */
  switchWorkerKey: (privateKey: Hex) => Promise<void>;
  /**
   * The worker also serves resolvers on other chains, and the new key is already a signer there
   * (`signer add` on each chain, with the same `newPrivateKey`). Without it, such resolvers stop the rotation.
   */
  otherChainsPrepared?: boolean;
  /** How long to keep trusting the old key after the switch; default: signature TTL + {@link PROPAGATION_MARGIN_SECONDS}. */
  drainSeconds?: number;
  log: (line: string) => void;
};

const SWITCH_TIMEOUT_MS = 120_000;
/** A new worker version reaches every Cloudflare location within seconds; this covers the stragglers. */
export const PROPAGATION_MARGIN_SECONDS = 30;

/**
 * Rotates the gateway's signing key without failed lookups: (1) add the new signer to every
 * resolver, (2) switch the worker to the new key, (3) wait until the worker signs with it and every
 * answer the old key signed has expired, (4) remove the old signer. At every moment, each answer a
 * client can hold is signed by a key the resolvers accept.
 */
export async function rotateSigner(options: RotationOptions): Promise<{ oldSigner: Address; newSigner: Address; resolvers: Address[] }> {
  const { chain, log } = options;
  const health = await readHealth(options.gatewayUrl);
  const oldSigner = health.signer;
  const newSigner = privateKeyToAccount(options.newPrivateKey).address;
  if (isAddressEqual(oldSigner, newSigner)) throw new UsageError(`The worker already signs with ${newSigner}`);
  const servedHere = health.resolvers.filter((entry) => entry.chainId === chain.chainId);
  const resolvers = options.resolvers ?? [...new Set(servedHere.map((entry) => entry.resolver))];
  if (resolvers.length === 0) throw new UsageError(`The worker serves no resolver on chain ${chain.chainId}; pass --resolver`);
  const leftOut = servedHere.filter((entry) => !resolvers.some((resolver) => isAddressEqual(resolver, entry.resolver)));
  if (leftOut.length > 0) {
    const list = leftOut.map((entry) => `${entry.domain} → ${entry.resolver}`).join("; ");
    throw new UsageError(`The worker also serves ${list} on this chain; rotate those resolvers too (or leave out --resolver)`);
  }

  // Check everything before changing anything. The worker has one key for every chain: a resolver
  // elsewhere that does not trust the new key yet would fail its lookups after the switch.
  const elsewhere = health.resolvers.filter((entry) => entry.chainId !== chain.chainId);
  if (elsewhere.length > 0 && !options.otherChainsPrepared) {
    const list = elsewhere.map((entry) => `${entry.domain} → ${entry.resolver} on chain ${entry.chainId}`).join("; ");
    throw new UsageError(
      `The worker also serves ${list}. Set NEW_SIGNER_PRIVATE_KEY, run \`signer add ${newSigner}\` on those chains, then rotate with --other-chains-prepared`,
    );
  }
  for (const resolver of resolvers) {
    const owner = await chain.publicClient.readContract({ address: resolver, abi: resolverAdminAbi, functionName: "owner" });
    if (!isAddressEqual(owner, chain.account.address)) throw new UsageError(`Resolver ${resolver} is owned by ${owner}, not by ${chain.account.address}`);
    const trusted = await chain.publicClient.readContract({ address: resolver, abi: resolverAdminAbi, functionName: "isSigner", args: [oldSigner] });
    if (!trusted) throw new UsageError(`The worker's signer ${oldSigner} is not a signer of ${resolver}: fix that before rotating`);
  }

  for (const resolver of resolvers) {
    const already = await chain.publicClient.readContract({ address: resolver, abi: resolverAdminAbi, functionName: "isSigner", args: [newSigner] });
    if (!already) await chain.write(resolver, resolverAdminAbi, "addSigner", [newSigner]);
    log(`1/4 ${resolver}: accepts ${newSigner} (and still ${oldSigner})`);
  }

  await options.switchWorkerKey(options.newPrivateKey);
  const deadline = Date.now() + SWITCH_TIMEOUT_MS;
  while (!isAddressEqual((await readHealth(options.gatewayUrl)).signer, newSigner)) {
    if (Date.now() > deadline) throw new Error(`The worker still signs with ${oldSigner} after ${SWITCH_TIMEOUT_MS / 1000} s; the old signer stays trusted`);
    await sleep(500);
  }
  log(`2/4 the worker signs with ${newSigner}`);

  const drainSeconds = options.drainSeconds ?? health.signatureTtlSeconds + PROPAGATION_MARGIN_SECONDS;
  log(`3/4 waiting ${drainSeconds} s for answers signed by ${oldSigner} to expire`);
  await sleep(drainSeconds * 1000);

  for (const resolver of resolvers) {
    await chain.write(resolver, resolverAdminAbi, "removeSigner", [oldSigner]);
    log(`4/4 ${resolver}: no longer accepts ${oldSigner}`);
  }
  return { oldSigner, newSigner, resolvers };
}

function readHealth(gatewayUrl: string): Promise<HealthReport> {
  return createRegistryClient({ url: gatewayUrl }).health();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
