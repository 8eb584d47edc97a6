import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRegistryClient, type RegistryClient } from "../../sdk/src/index";
import { ensureDevSecrets } from "../../scripts/stack/devVars";
import { findFreePort } from "../../scripts/stack/processes";
import { type Stack, startStack } from "../../scripts/stack/startStack";
import { PROFILE } from "./profileWorker";

/**
 * Runs `body` against a fresh local stack on free ports with its own state, then stops it. `registry`
 * is the SDK's client with the admin token.
 */
export async function withBenchStack<T>(body: (stack: Stack, registry: RegistryClient, stateDir: string) => Promise<T>): Promise<T> {
  const stateDir = await mkdtemp(path.join(tmpdir(), "dm3-bench-"));
  const stack = await startStack({
    rpcPort: await findFreePort(),
    workerPort: await findFreePort(),
    inspectorPort: await findFreePort(),
    stateDir,
    // A profiled run (BENCH_PROFILE=1) wants function names: see profileWorker.
    unminified: PROFILE,
  });
  try {
    const { adminToken } = await ensureDevSecrets();
    return await body(stack, createRegistryClient({ url: stack.info.gatewayUrl, credential: adminToken }), stateDir);
  } finally {
    await stack.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}
