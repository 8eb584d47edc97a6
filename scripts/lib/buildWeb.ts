import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import { projectRoot } from "./paths";

/** Where the worker's static assets are built (wrangler.toml `[assets]`; git-ignored). */
export const PUBLIC_DIR = path.join(projectRoot, "public");

/** Writes `contents` to `file` unless it already holds exactly that. */
async function writeIfChanged(file: string, contents: Uint8Array): Promise<void> {
  const current = await readFile(file).catch(() => undefined);
  if (current?.equals(contents)) return;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, contents);
}

/**
 * Builds the browser side of the pages into `public/` (served by Workers' static assets, never part
 * of the worker's bundle): the pages' scripts, and the API reference renderer copied from npm
 * (swagger-ui-dist), so nothing loads from a CDN. Fast (esbuild); every entry point that runs the
 * worker calls it first. Files are only written when they change: a running `wrangler dev` watches
 * this directory and reloads its worker on any write (a reload drops the local queue's pending
 * wake-ups), so starting a second worker must not disturb the first.
 */
export async function buildWebAssets(): Promise<void> {
  const result = await build({
    entryPoints: { "name-page": path.join(projectRoot, "web", "namePage.ts"), docs: path.join(projectRoot, "web", "docs.ts") },
    outdir: path.join(PUBLIC_DIR, "assets"),
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["dm3-registry-source"],
    logLevel: "warning",
    write: false,
  });
  for (const output of result.outputFiles) await writeIfChanged(output.path, output.contents);
  const dist = path.join(projectRoot, "node_modules", "swagger-ui-dist");
  for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
    await writeIfChanged(path.join(PUBLIC_DIR, "vendor", "swagger-ui", file), await readFile(path.join(dist, file)));
  }
}
