import type { ChildProcess } from "node:child_process";
import { binPath, projectRoot } from "../lib/paths";
import { spawnLogged, waitUntil } from "./processes";

const NODE_START_TIMEOUT_MS = 60_000;

/** Starts `hardhat node` on 127.0.0.1:`port`; resolves when it answers JSON-RPC. */
export async function startHardhatNode(options: { port: number; logFile: string }): Promise<{ child: ChildProcess; rpcUrl: string }> {
  const child = spawnLogged(binPath("hardhat"), ["node", "--hostname", "127.0.0.1", "--port", String(options.port)], {
    cwd: projectRoot,
    logFile: options.logFile,
  });
  const rpcUrl = `http://127.0.0.1:${options.port}`;
  await waitUntil(
    `the Hardhat node at ${rpcUrl} (log: ${options.logFile})`,
    async () => {
      const response = await fetch(rpcUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      return response.ok;
    },
    NODE_START_TIMEOUT_MS,
  );
  return { child, rpcUrl };
}
