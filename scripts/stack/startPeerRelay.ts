import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import type { Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createRegistryClient } from "../../sdk/src/index";
import { localChain } from "./deployContracts";
import { ensureDevSecrets } from "./devVars";
import { stopProcessGroup } from "./processes";
import { migrateLocalD1, startWorker } from "./startWorker";
import { copyWorkerConfig } from "./workerConfig";

/** A second, independent relay on the local chain: its own worker, D1, keys, domain and delivery-service name. */
export type PeerRelay = {
  url: string;
  adminToken: string;
  domain: string;
  dsName: string;
  resolver: Address;
  /** Stops the worker (its D1 stays). */
  stop: () => Promise<void>;
  /** Starts the worker again on the same port and D1. */
  restart: () => Promise<void>;
  /** The running worker's process (wrangler dev), e.g. to measure its CPU. */
  pid: () => number | undefined;
};

/**
 * Starts another relay next to a running stack (tests and benchmarks of two relays, one network):
 * its own wrangler config and secrets in `stateDir`, an OffchainResolver for `domain` signed by its
 * key and pointing at its URL, a fresh local D1, and `domain` registered with it. Its delivery
 * service is `dsName` (a name under `domain`, served from its own keys).
 */
export async function startPeerRelay(options: {
  rpcUrl: string;
  ensRegistry: Address;
  domain: string;
  dsName: string;
  port: number;
  inspectorPort: number;
  stateDir: string;
  vars?: Record<string, string>;
  /** Build the worker unminified (readable CPU profiles). */
  unminified?: boolean;
}): Promise<PeerRelay> {
  const d1Dir = path.join(options.stateDir, "d1");
  await mkdir(options.stateDir, { recursive: true });
  await rm(d1Dir, { recursive: true, force: true });
  const configFile = await copyWorkerConfig(path.join(options.stateDir, "worker"));
  const secrets = await ensureDevSecrets(path.join(options.stateDir, "worker", ".dev.vars"));
  const url = `http://127.0.0.1:${options.port}`;

  const chain = await localChain(options.rpcUrl);
  const resolver = await chain.deployResolver([`${url}/ccip/{sender}/{data}.json`], privateKeyToAccount(secrets.signerPrivateKey).address);
  await chain.assignResolver(options.ensRegistry, options.domain, resolver);
  await migrateLocalD1(d1Dir);

  let pid: number | undefined;
  const start = async () => {
    const worker = await startWorker({
      port: options.port,
      inspectorPort: options.inspectorPort,
      stateDir: d1Dir,
      logFile: path.join(options.stateDir, "worker.log"),
      configFile,
      ...(options.unminified && { unminified: true }),
      vars: {
        DS_NAME: options.dsName,
        DS_URL: url,
        WEBHOOK_ALLOW_LOOPBACK: "true",
        L1_RPC_URL: options.rpcUrl,
        ENS_REGISTRY: options.ensRegistry,
        ...options.vars,
      },
    });
    pid = worker.child.pid as number;
  };
  const stop = async () => {
    if (pid !== undefined) await stopProcessGroup(pid);
    pid = undefined;
  };
  await start();
  try {
    await createRegistryClient({ url, credential: secrets.adminToken }).putDomain(options.domain, { resolverAddress: resolver, chainId: chain.chainId });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, adminToken: secrets.adminToken, domain: options.domain, dsName: options.dsName, resolver, stop, restart: start, pid: () => pid };
}
