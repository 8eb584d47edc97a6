import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureDevSecrets } from "../../scripts/stack/devVars";
import { findFreePort } from "../../scripts/stack/processes";
import { type Stack, startStack } from "../../scripts/stack/startStack";

/** Runs `body` against a fresh local stack on free ports with its own state, then stops it. */
export async function withBenchStack<T>(body: (stack: Stack, adminToken: string, stateDir: string) => Promise<T>): Promise<T> {
  const stateDir = await mkdtemp(path.join(tmpdir(), "dm3-bench-"));
  const stack = await startStack({
    rpcPort: await findFreePort(),
    workerPort: await findFreePort(),
    inspectorPort: await findFreePort(),
    stateDir,
  });
  try {
    const { adminToken } = await ensureDevSecrets();
    return await body(stack, adminToken, stateDir);
  } finally {
    await stack.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** An admin JSON request to the stack's worker; throws on a non-2xx answer. */
export async function adminRequest(stack: Stack, adminToken: string, method: string, apiPath: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${stack.info.gatewayUrl}${apiPath}`, {
    method,
    headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${apiPath}: ${response.status} ${await response.text()}`);
  return response.json();
}
