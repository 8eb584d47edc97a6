/**
 * Worker bundle size, raw and gzip, from `wrangler deploy --dry-run --outdir` (what would ship).
 *
 * Usage: npm run bench -- bundle
 */
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { projectRoot } from "../scripts/lib/paths";
import { runWrangler } from "../scripts/lib/wrangler";

const KIB = 1024;

export async function benchBundle(): Promise<void> {
  const outDir = path.join(projectRoot, "bench", "out", "bundle");
  await rm(outDir, { recursive: true, force: true });
  await runWrangler(["deploy", "--dry-run", "--outdir", outDir]);
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
}
