// Bundles the SDK (and the worker's protocol core it re-exports) into one ESM file for browsers,
// Workers and Node; its dependencies stay external. Types come from `tsc -p tsconfig.build.json`.
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.ts"],
  outfile: "dist/index.js",
  bundle: true,
  format: "esm",
  platform: "neutral",
  mainFields: ["module", "main"],
  target: "es2022",
  sourcemap: true,
  external: ["viem", "viem/*", "@noble/*", "@scure/*", "zod"],
  logLevel: "warning",
});
