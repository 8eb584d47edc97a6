import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import { projectRoot } from "./paths";

/** Where the worker's static assets are built (wrangler.toml `[assets]`; git-ignored). */
export const PUBLIC_DIR = path.join(projectRoot, "public");

/**
 * Builds the browser side of the pages into `public/` (served by Workers' static assets, never part
 * of the worker's bundle): the name page's script, and the API reference renderer copied from npm
 * (swagger-ui-dist), so nothing loads from a CDN. Fast (esbuild); every entry point that runs the
 * worker calls it first.
 */
export async function buildWebAssets(): Promise<void> {
  await mkdir(path.join(PUBLIC_DIR, "assets"), { recursive: true });
  await build({
    entryPoints: { "name-page": path.join(projectRoot, "web", "namePage.ts"), docs: path.join(projectRoot, "web", "docs.ts") },
    outdir: path.join(PUBLIC_DIR, "assets"),
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["dm3-registry-source"],
    logLevel: "warning",
  });
  const vendor = path.join(PUBLIC_DIR, "vendor", "swagger-ui");
  await mkdir(vendor, { recursive: true });
  const dist = path.join(projectRoot, "node_modules", "swagger-ui-dist");
  for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) await copyFile(path.join(dist, file), path.join(vendor, file));
}
