import { existsSync, readFileSync } from "node:fs";
import type { Address } from "viem";
import { stackFile } from "./paths";
import { UsageError } from "./cliErrors";

/** Where the CLI finds the chain, the registry and the worker. */
export type Target = { rpcUrl: string; ensRegistry: Address; gatewayUrl: string };

/** What `npm start` wrote to `.dev/stack.json`, or nothing when no stack has run here. */
export function readStackFile(): Partial<Target & { resolver: Address; configFile: string; d1Dir: string }> {
  return existsSync(stackFile)
    ? (JSON.parse(readFileSync(stackFile, "utf8")) as Partial<Target & { resolver: Address; configFile: string; d1Dir: string }>)
    : {};
}

/** Flags override the environment, which overrides `.dev/stack.json` (written by `npm start`). */
export function resolveTarget(flags: { rpc?: string; registry?: string; gateway?: string }): Target {
  const stack = readStackFile();
  const rpcUrl = flags.rpc ?? process.env.RPC_URL ?? stack.rpcUrl;
  const ensRegistry = (flags.registry ?? process.env.ENS_REGISTRY ?? stack.ensRegistry) as Address | undefined;
  const gatewayUrl = flags.gateway ?? process.env.GATEWAY_URL ?? stack.gatewayUrl;
  if (!rpcUrl || !ensRegistry) {
    throw new UsageError("No chain to talk to: run `npm start` first, or pass --rpc and --registry");
  }
  return { rpcUrl, ensRegistry, gatewayUrl: gatewayUrl ?? "" };
}
