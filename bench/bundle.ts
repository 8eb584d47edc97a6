/**
 * Worker bundle size, raw and gzip, from `wrangler deploy --dry-run --outdir` (what would ship), and
 * its top contributors by package (esbuild's metafile: bytes each input left in the minified output);
 * beside it the lookup-only worker's (worker/src/lookupWorker.ts) and the floor worker's (bench/floor), and each bundle's start-up cost: module load and
 * evaluation in a fresh V8 (a new Node process each time, median of several) — the work a cold
 * isolate does before its first request (workerd runs the same V8; its own overhead is not counted).
 *
 * Usage: npm run bench -- bundle
 */
import { execFileSync } from "node:child_process";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { projectRoot } from "../scripts/lib/paths";
import { buildWebAssets } from "../scripts/lib/buildWeb";
import { writeLookupWorkerConfig } from "../scripts/lib/lookupWorkerConfig";
import { runWrangler } from "../scripts/lib/wrangler";

const KIB = 1024;
/** Fresh processes per start-up measurement (the median is printed). */
const STARTUP_SAMPLES = 9;

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
  console.log(`  total: ${(rawTotal / KIB).toFixed(1)} KiB raw, ${(gzipTotal / KIB).toFixed(1)} KiB gzip (aim: <= 170 KiB gzip)`);
  await printContributors(path.join(outDir, "bundle-meta.json"));

  // The lookup-only Worker (worker/src/lookupWorker.ts, `deploy worker --lookup-worker`).
  const lookupDir = path.join(projectRoot, "bench", "out", "lookup-bundle");
  await rm(lookupDir, { recursive: true, force: true });
  await mkdir(lookupDir, { recursive: true });
  const lookupConfig = await writeLookupWorkerConfig(lookupDir);
  await runWrangler(["deploy", "--dry-run", "--config", lookupConfig, "--outdir", path.join(lookupDir, "out"), "--metafile"]);
  const lookupBytes = await readFile(path.join(lookupDir, "out", "lookupWorker.js"));
  console.log(
    `\nThe lookup-only worker (worker/src/lookupWorker.ts): ${(lookupBytes.length / KIB).toFixed(1)} KiB raw, ${(gzipSync(lookupBytes, { level: 9 }).length / KIB).toFixed(1)} KiB gzip (aim: <= 170 KiB gzip)`,
  );
  await printContributors(path.join(lookupDir, "out", "bundle-meta.json"));

  const floorDir = path.join(projectRoot, "bench", "out", "floor-bundle");
  await rm(floorDir, { recursive: true, force: true });
  await runWrangler(["deploy", "--dry-run", "--outdir", floorDir, "--config", path.join(projectRoot, "bench", "floor", "wrangler.toml")]);
  const floorBytes = await readFile(path.join(floorDir, "worker.js"));
  console.log(
    `\nThe floor (bench/floor): ${(floorBytes.length / KIB).toFixed(1)} KiB raw, ${(gzipSync(floorBytes, { level: 9 }).length / KIB).toFixed(1)} KiB gzip`,
  );
  console.log(`\nStart-up: module load + evaluation in a fresh V8 (Node ${process.version}), median of ${STARTUP_SAMPLES} fresh processes each, interleaved`);
  const startups = medianStartups({
    worker: path.join(outDir, "index.js"),
    "lookup-only worker": path.join(lookupDir, "out", "lookupWorker.js"),
    floor: path.join(floorDir, "worker.js"),
  });
  console.log(
    `  ${Object.entries(startups)
      .map(([name, ms]) => `${name}: ${ms.toFixed(1)} ms`)
      .join("; ")}`,
  );
}

/** Median ms to import each file (parse, compile, evaluate its top level) in fresh Node processes, the files taken in turn. */
function medianStartups(files: Record<string, string>): Record<string, number> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(files).map((name) => [name, []]));
  for (let round = 0; round < STARTUP_SAMPLES; round++) {
    for (const [name, file] of Object.entries(files)) samples[name]?.push(startupMs(file));
  }
  return Object.fromEntries(Object.entries(samples).map(([name, times]) => [name, times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number]));
}

/** Ms to import `file` (parse, compile, evaluate its top level) in a fresh Node process. */
function startupMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(`file://${file}`)}); console.log(performance.now() - t);`;
  return Number(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }).trim());
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
