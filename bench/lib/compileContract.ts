import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Abi, Hex } from "viem";
import { projectRoot } from "../../scripts/lib/paths";

const require = createRequire(import.meta.url);

type SolcOutput = {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
};

/**
 * Compiles `contracts/<file>` with the project's pinned solc-js and the given optimizer runs and EVM
 * version — other settings than Hardhat's build uses, without touching its artifacts (to compare
 * with a reference measured under its own settings). Imports resolve to `contracts/` and node_modules.
 */
export function compileContract(options: { file: string; contract: string; runs: number; evmVersion: string }): { abi: Abi; bytecode: Hex } {
  const solc = require("solc") as { compile(input: string, callbacks: { import(path: string): { contents: string } | { error: string } }): string };
  const input = {
    language: "Solidity",
    sources: { [options.file]: { content: readFileSync(path.join(projectRoot, "contracts", options.file), "utf8") } },
    settings: {
      optimizer: { enabled: true, runs: options.runs },
      evmVersion: options.evmVersion,
      outputSelection: { [options.file]: { [options.contract]: ["abi", "evm.bytecode.object"] } },
    },
  };
  const resolveImport = (importPath: string) => {
    const local = path.join(projectRoot, "contracts", importPath);
    try {
      return { contents: readFileSync(local, "utf8") };
    } catch {
      try {
        return { contents: readFileSync(require.resolve(importPath), "utf8") };
      } catch {
        return { error: `${importPath} not found in contracts/ or node_modules` };
      }
    }
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: resolveImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((error) => error.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((error) => error.formattedMessage).join("\n"));
  const compiled = output.contracts[options.file]?.[options.contract];
  if (!compiled) throw new Error(`${options.contract} not found in ${options.file}`);
  return { abi: compiled.abi, bytecode: `0x${compiled.evm.bytecode.object}` };
}
