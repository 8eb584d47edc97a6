import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Abi, Hex } from "viem";
import { projectRoot } from "./paths";

/** A compiled contract from Hardhat's `artifacts/` (run `hardhat build` first). */
export type Artifact = { abi: Abi; bytecode: Hex };

/** Reads `artifacts/contracts/<sourcePath>/<contractName>.json`. */
export async function readArtifact(sourcePath: string, contractName: string): Promise<Artifact> {
  const file = path.join(projectRoot, "artifacts", "contracts", sourcePath, `${contractName}.json`);
  const { abi, bytecode } = JSON.parse(await readFile(file, "utf8")) as Artifact;
  return { abi, bytecode };
}
