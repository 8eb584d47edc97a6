import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { writeLookupWorkerConfig } from "../../scripts/lib/lookupWorkerConfig";
import { ensureDevSecrets } from "../../scripts/stack/devVars";
import { findFreePort, stopProcessGroup } from "../../scripts/stack/processes";
import { startWorker } from "../../scripts/stack/startWorker";

/** A running lookup-only worker: where to send requests, its pid, and how to stop it. */
export type LookupWorker = { url: string; pid: number; inspectorUrl: string; stop(): Promise<void> };

/**
 * Starts the lookup-only Worker (worker/src/lookupWorker.ts, the config `deploy worker
 * --lookup-worker` deploys) on 127.0.0.1 over the main stack's local D1 in `d1Dir` (it only
 * reads), with the main worker's secrets from `secretsFile`.
 */
export async function startLookupWorker(options: { stateDir: string; d1Dir: string; secretsFile: string; unminified?: boolean }): Promise<LookupWorker> {
  await mkdir(options.stateDir, { recursive: true });
  const config = await writeLookupWorkerConfig(options.stateDir);
  const secrets = await ensureDevSecrets(options.secretsFile);
  const devVars = `SIGNER_PRIVATE_KEY=${secrets.signerPrivateKey}\nDS_SIGNING_KEY=${secrets.dsSigningKey}\nDS_ENCRYPTION_KEY=${secrets.dsEncryptionKey}\n`;
  await writeFile(path.join(options.stateDir, ".dev.vars"), devVars, { mode: 0o600 });
  const inspectorPort = await findFreePort();
  const { child, url } = await startWorker({
    port: await findFreePort(),
    inspectorPort,
    stateDir: options.d1Dir,
    logFile: path.join(options.stateDir, "lookup-worker.log"),
    configFile: config,
    ...(options.unminified && { unminified: true }),
    // It has no /health: its JSON 404 there means it is up.
    isReady: (response) => response.status === 404,
  });
  const pid = child.pid as number;
  return { url, pid, inspectorUrl: `http://127.0.0.1:${inspectorPort}`, stop: () => stopProcessGroup(pid) };
}
