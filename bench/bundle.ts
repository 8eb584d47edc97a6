/**
 * Worker bundle size, raw and gzip, from `wrangler deploy --dry-run --outdir` (what would ship), and
 * its top contributors by package (esbuild's metafile: bytes each input left in the minified output).
 *
 * Usage: npm run bench -- bundle
 */
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { projectRoot } from "../scripts/lib/paths";
import { buildWebAssets } from "../scripts/lib/buildWeb";
import { runWrangler } from "../scripts/lib/wrangler";

const KIB = 1024;

export async function benchBundle(): Promise<void> {
  const outDir = path.join(projectRoot, "bench", "out", "bundle");
  await rm(outDir, { recursive: true, force: true });
  await buildWebAssets();
  await runWrangler(["deploy", "--dry-run", "--outdir", outDir, "--metafile"]);
  console.log("\nWorker bundle as deployed (wrangler deploy --dry-run; wrangler.toml sets minify = true)");
  let rawTotal = 0;
  let gzipTotal = 0;
  for (const file of (await readdir(outDir)).filter((name) => name.endsWith(".js"))) {
    const bytes = await readFile(path.join(outDir, file));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    rawTotal += bytes.length;
    gzipTotal += gzip;
    console.log(`  ${file}: ${(bytes.length / KIB).toFixed(1)} KiB raw, ${(gzip / KIB).toFixed(1)} KiB gzip`);
  }
  console.log(`  total: ${(rawTotal / KIB).toFixed(1)} KiB raw, ${(gzipTotal / KIB).toFixed(1)} KiB gzip (aim: <= 120 KiB gzip)`);
  await printContributors(path.join(outDir, "bundle-meta.json"));
}

type Metafile = { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };

/** Minified bytes per package (node_modules/<package>) or per folder of our source, largest first. */
async function printContributors(metafile: string): Promise<void> {
  const meta = JSON.parse(await readFile(metafile, "utf8")) as Metafile;
  const byGroup = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const group = modules ? modules[1] : input.replace(/^.*?worker\/src\//, "worker/src/").replace(/\/[^/]+$/, "/");
      byGroup.set(group as string, (byGroup.get(group as string) ?? 0) + bytesInOutput);
    }
  }
  const total = [...byGroup.values()].reduce((sum, bytes) => sum + bytes, 0);
  console.log("  top contributors (minified bytes before gzip):");
  for (const [group, bytes] of [...byGroup.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`    ${group.padEnd(36)} ${(bytes / KIB).toFixed(1).padStart(7)} KiB  ${((bytes / total) * 100).toFixed(1).padStart(5)}%`);
  }
}
