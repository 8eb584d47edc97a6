import { createRequire } from "node:module";
import hardhatToolboxViem from "@nomicfoundation/hardhat-toolbox-viem";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  plugins: [hardhatToolboxViem],
  solidity: {
    // Hardhat cannot download compilers here: use solc-js from the exactly pinned `solc` package.
    version: "0.8.30",
    path: require.resolve("solc/soljson.js"),
    settings: { optimizer: { enabled: true, runs: 10_000 } },
  },
  paths: {
    sources: "contracts",
    tests: { nodejs: "contracts/test" },
  },
});
