import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Abi } from "viem";
import { ensRegistryAbi, offchainResolverAbi, resolverAdminAbi } from "../../worker/src/abi";
import { readArtifact } from "../../scripts/lib/artifacts";

/** Signature of an ABI item: kind, name and input types (what calldata and selectors depend on). */
const signatureOf = (item: Abi[number]) => ("name" in item ? `${item.type} ${item.name}(${item.inputs.map((input) => input.type).join(",")})` : item.type);

describe("worker/src/abi.ts matches the compiled contracts", () => {
  for (const [label, abi, source, contract] of [
    ["offchainResolverAbi", offchainResolverAbi, "OffchainResolver.sol", "OffchainResolver"],
    ["resolverAdminAbi", resolverAdminAbi, "OffchainResolver.sol", "OffchainResolver"],
    ["ensRegistryAbi", ensRegistryAbi, "dev/ENSRegistry.sol", "ENSRegistry"],
  ] as const) {
    it(`${label} is a subset of the ${contract} artifact`, async () => {
      const artifact = await readArtifact(source, contract);
      const compiled = new Map(artifact.abi.map((item) => [signatureOf(item), item]));
      for (const item of abi as Abi) {
        const match = compiled.get(signatureOf(item));
        assert.ok(match, `${signatureOf(item)} is not in the ${contract} artifact`);
        if (item.type === "function" && match.type === "function") {
          assert.deepEqual(
            item.outputs.map((output) => output.type),
            match.outputs.map((output) => output.type),
          );
          assert.equal(item.stateMutability, match.stateMutability);
        }
      }
    });
  }
});
