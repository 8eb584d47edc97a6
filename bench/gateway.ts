/**
 * Gateway throughput, latency and worker CPU under `wrangler dev`: signed CCIP-Read answers for a
 * ~500-byte text record vs the static `GET /health`, at concurrency 1, 8 and 32, interleaved in one
 * run so every figure can be read as a ratio to the static route (this machine is noisy; ratios hold):
 *  - uncached: every request a name this isolate has not seen (no cache work: first sightings skip it);
 *  - miss: every request a name seen once before (the cache is consulted, misses, and is written);
 *  - cached: the same lookup repeated (a hit);
 *  - cache off: a second worker with `ANSWER_CACHE = "off"`, every request another name;
 *  - floor: bench/floor, a bare Worker (no framework, no validation, one prepared D1 statement over
 *    the same schema and rows, the same signing) answering the same route — what the runtime allows;
 *  - unknown: made-up names under the domain, a few dozen repeated (a flood of lookups for names that
 *    do not exist), on both workers: with the cache they are remembered as absent, without it each reads D1.
 * Each through wrangler's proxy (the public port) and straight at the worker's own workerd socket.
 * Worker CPU per request comes from /proc: the whole `wrangler dev` process tree, and the worker's
 * workerd process alone. Load comes from autocannon (keep-alive connections) in this process.
 *
 * With BENCH_PROFILE=1 (unminified workers) it then profiles uncached, miss, cache-off and cached lookups and /health at
 * c=8 in each worker's own isolate: where a lookup's time goes in our code, without miniflare's local
 * cache and D1 (which run outside the isolate, as they do on Cloudflare).
 *
 * Usage: npm run bench -- gateway   (BENCH_SECONDS=5 per point by default)
 */
import path from "node:path";
import { encodeFunctionData, type Hex, toHex } from "viem";
import { namehash, packetToBytes } from "viem/ens";
import { createRegistryClient, type RegistryClient } from "../sdk/src/index";
import { findFreePort } from "../scripts/stack/processes";
import { startPeerRelay } from "../scripts/stack/startPeerRelay";
import { offchainResolverAbi, recordResolverAbi } from "../worker/src/abi";
import { withBenchStack } from "./lib/benchStack";
import { findDirectWorkerUrl } from "./lib/directWorkerUrl";
import { type LoadResult, runLoad } from "./lib/load";
import { processTreeCpuSeconds } from "./lib/processCpu";
import { PROFILE, profileWorker } from "./lib/profileWorker";
import { ensureDevSecrets } from "../scripts/stack/devVars";
import { type FloorWorker, startFloorWorker } from "./lib/startFloorWorker";
import { type LookupWorker, startLookupWorker } from "./lib/startLookupWorker";
import { projectRoot } from "../scripts/lib/paths";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = [1, 8, 32];
const RECORD_BYTES = 500;
/** The answer cache's functions (shared/answerCache.ts): their share of a profiled lookup is the cache layer's cost in the isolate. */
const ANSWER_CACHE_FUNCTIONS = ["seenBefore", "currentGeneration", "answerKey", "cachedAnswer", "storeAnswer", "forgetAnswers"];

/** Distinct names, so every "uncached" lookup is a different call (and "miss" lookups their second sighting). */
const DISTINCT_NAMES = 20_000;
const BULK_BATCH = 1_000;

/** A worker to load: where to send requests, and whose CPU to count. */
type Targets = { main: Target; peer: Target; floor: Target; floorAssets: Target; lookupOnly: Target };
type Target = { label: string; url: string; treePid: number; workerPid: number | undefined };

/** How many made-up names the "unknown" series repeats. */
const UNKNOWN_NAMES = 64;

/** Paths of `count` lookups (text "bio" of `<prefix><i>.<domain>`), built ahead so the load generator spends no CPU on ABI encoding. */
function lookupPaths(resolver: Hex, domain: string, count: number, prefix = "u"): string[] {
  return Array.from({ length: count }, (_, index) => {
    const name = `${prefix}${index}.${domain}`;
    const inner = encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [namehash(name), "bio"] });
    const callData = encodeFunctionData({ abi: offchainResolverAbi, functionName: "resolve", args: [toHex(packetToBytes(name)), inner] });
    return `/ccip/${resolver}/${callData}.json`;
  });
}

/** Registers `u0..u<count-1>.<domain>` with the same 500-byte text record. */
async function registerNames(registry: RegistryClient, domain: string, owner: string, count: number): Promise<void> {
  const bio = "x".repeat(RECORD_BYTES);
  for (let offset = 0; offset < count; offset += BULK_BATCH) {
    const names = Array.from({ length: BULK_BATCH }, (_, index) => ({ name: `u${offset + index}.${domain}`, owner, texts: { bio } }));
    await registry.bulkPut(domain, names);
  }
}

/** Hands out `paths` round and round. */
function pathCycle(paths: string[]): () => string {
  let next = 0;
  return () => paths[next++ % paths.length] as string;
}

/** Hands out paths in order, never past `ahead`'s position (if given): its paths are then second sightings. */
function pathSequence(paths: string[], label: string, ahead?: { position: () => number }) {
  let next = 0;
  return {
    position: () => next,
    take: () => {
      const limit = ahead ? ahead.position() : paths.length;
      if (next >= limit) throw new Error(`ran out of ${label} lookups: lower BENCH_SECONDS`);
      return paths[next++] as string;
    },
  };
}

export async function benchGateway(): Promise<void> {
  await withBenchStack(async (stack, registry, stateDir) => {
    const domain = stack.info.domain;
    await registerNames(registry, domain, stack.info.signer, DISTINCT_NAMES);
    const peerInspectorPort = await findFreePort();
    const peer = await startPeerRelay({
      rpcUrl: stack.info.rpcUrl,
      ensRegistry: stack.info.ensRegistry,
      domain: "nocache.eth",
      dsName: "ds.nocache.eth",
      port: await findFreePort(),
      inspectorPort: peerInspectorPort,
      stateDir: path.join(stateDir, "nocache"),
      vars: { ANSWER_CACHE: "off" },
      unminified: PROFILE,
    });
    let floor: FloorWorker | undefined;
    let floorAssets: FloorWorker | undefined;
    let lookupOnly: LookupWorker | undefined;
    try {
      const bio = "x".repeat(RECORD_BYTES);
      const floorOptions = {
        signerPrivateKey: (await ensureDevSecrets(stack.info.secretsFile)).signerPrivateKey,
        resolver: stack.info.resolver,
        domain,
        names: Array.from({ length: DISTINCT_NAMES }, (_, index) => ({ name: `u${index}.${domain}`, texts: { bio } })),
        ...(PROFILE && { unminified: true }),
      };
      floor = await startFloorWorker({ ...floorOptions, stateDir: path.join(stateDir, "floor") });
      // The same floor serving the main worker's static assets: what wrangler's asset router adds to every request.
      floorAssets = await startFloorWorker({ ...floorOptions, stateDir: path.join(stateDir, "floor-assets"), withAssets: true });
      await registerNames(createRegistryClient({ url: peer.url, credential: peer.adminToken }), peer.domain, stack.info.signer, DISTINCT_NAMES);
      lookupOnly = await startLookupWorker({
        stateDir: path.join(stateDir, "lookup-only"),
        d1Dir: stack.info.d1Dir,
        secretsFile: stack.info.secretsFile,
        ...(PROFILE && { unminified: true }),
      });
      const pid = stack.info.pids.worker;
      const peerPid = peer.pid() as number;
      const direct = await findDirectWorkerUrl(pid, stack.info.gatewayUrl);
      const peerDirect = await findDirectWorkerUrl(peerPid, peer.url);
      const floorDirect = await findDirectWorkerUrl(floor.pid, floor.url);
      const floorAssetsDirect = await findDirectWorkerUrl(floorAssets.pid, floorAssets.url);
      const lookupOnlyDirect = await findDirectWorkerUrl(lookupOnly.pid, lookupOnly.url, "/not-a-lookup");
      const targets: Targets[] = [
        {
          main: { label: "proxy", url: stack.info.gatewayUrl, treePid: pid, workerPid: direct?.pid },
          peer: { label: "proxy", url: peer.url, treePid: peerPid, workerPid: peerDirect?.pid },
          floor: { label: "proxy", url: floor.url, treePid: floor.pid, workerPid: floorDirect?.pid },
          floorAssets: { label: "proxy", url: floorAssets.url, treePid: floorAssets.pid, workerPid: floorAssetsDirect?.pid },
          lookupOnly: { label: "proxy", url: lookupOnly.url, treePid: lookupOnly.pid, workerPid: lookupOnlyDirect?.pid },
        },
      ];
      if (direct && peerDirect && floorDirect && floorAssetsDirect && lookupOnlyDirect) {
        targets.push({
          main: { label: "direct", url: direct.url, treePid: pid, workerPid: direct.pid },
          peer: { label: "direct", url: peerDirect.url, treePid: peerPid, workerPid: peerDirect.pid },
          floor: { label: "direct", url: floorDirect.url, treePid: floor.pid, workerPid: floorDirect.pid },
          floorAssets: { label: "direct", url: floorAssetsDirect.url, treePid: floorAssets.pid, workerPid: floorAssetsDirect.pid },
          lookupOnly: { label: "direct", url: lookupOnlyDirect.url, treePid: lookupOnly.pid, workerPid: lookupOnlyDirect.pid },
        });
      } else {
        console.log("(the worker's own workerd socket was not found: direct series skipped)");
      }

      const uncached = pathSequence(lookupPaths(stack.info.resolver, domain, DISTINCT_NAMES), "uncached");
      const miss = pathSequence(lookupPaths(stack.info.resolver, domain, DISTINCT_NAMES), "miss", uncached);
      const cacheOff = pathSequence(lookupPaths(peer.resolver, peer.domain, DISTINCT_NAMES), "cache-off");
      const floorLookups = pathSequence(lookupPaths(stack.info.resolver, domain, DISTINCT_NAMES), "floor");
      const lookupOnlyLookups = pathSequence(lookupPaths(stack.info.resolver, domain, DISTINCT_NAMES), "lookup-only");
      const floorAssetsLookups = pathSequence(lookupPaths(stack.info.resolver, domain, DISTINCT_NAMES), "floor+assets");
      const cachedPath = lookupPaths(stack.info.resolver, domain, 1)[0] as string;
      const unknown = pathCycle(lookupPaths(stack.info.resolver, domain, UNKNOWN_NAMES, "nobody"));
      const unknownCacheOff = pathCycle(lookupPaths(peer.resolver, peer.domain, UNKNOWN_NAMES, "nobody"));
      for (const target of targets) {
        await runLoad(`${target.main.url}/health`, 4, 1); // warm up
        await runLoad(`${target.main.url}${cachedPath}`, 4, 1);
        await runLoad(`${target.peer.url}/health`, 4, 1);
        await runLoad(`${target.floor.url}/health`, 4, 1);
        await runLoad(`${target.floorAssets.url}/health`, 4, 1);
        await runLoad(`${target.lookupOnly.url}${cachedPath}`, 4, 1);
      }

      console.log(`\nGateway under wrangler dev, ${SECONDS}s per point, ${RECORD_BYTES}-byte text record, one run, interleaved`);
      console.log("  uncached: a name this isolate has not seen (skips the cache); miss: its second sighting (cache read + write);");
      console.log('  cached: one lookup repeated; cache off: a second worker with ANSWER_CACHE = "off"; floor: bench/floor, a bare Worker');
      console.log("  lookup-only: uncached lookups on the lookup-only worker (worker/src/lookupWorker.ts: no [assets], so no asset router before it)");
      console.log("  floor+assets: the floor serving the main worker's [assets] too (wrangler dev then runs its asset router before each request)");
      console.log(`  unknown: ${UNKNOWN_NAMES} made-up names repeated (remembered as absent); unknown off: the same on the cache-off worker (a D1 read each)`);
      console.log("  via proxy: wrangler's public port; direct: the worker's own workerd socket");
      console.log("  CPU: ms per request of the whole wrangler dev process tree (proxy included) / of the worker's workerd process alone");
      console.log("  c | via    | route          |   req/s |  p50 ms |  p99 ms | errors | vs health | p99 vs health | CPU tree | CPU worker");
      /** A load run, with the CPU seconds spent by the worker's process tree and by its workerd alone. */
      const measured = async (target: Target, concurrency: number, route: string, nextPath?: () => string) => {
        const treeBefore = processTreeCpuSeconds(target.treePid);
        const workerBefore = target.workerPid === undefined ? 0 : processTreeCpuSeconds(target.treePid, target.workerPid);
        const result: LoadResult = await runLoad(`${target.url}${route}`, concurrency, SECONDS, nextPath);
        const perRequest = (seconds: number) => (seconds * 1000) / Math.max(1, result.requests);
        return {
          ...result,
          treeCpuMs: perRequest(processTreeCpuSeconds(target.treePid) - treeBefore),
          workerCpuMs: target.workerPid === undefined ? undefined : perRequest(processTreeCpuSeconds(target.treePid, target.workerPid) - workerBefore),
        };
      };
      const summaries: string[] = [];
      for (const concurrency of CONCURRENCY) {
        for (const { main, peer: off, floor: bare, floorAssets: bareWithAssets, lookupOnly: lean } of targets) {
          const health = await measured(main, concurrency, "/health");
          const floorRun = await measured(bare, concurrency, "", floorLookups.take);
          const floorAssetsRun = await measured(bareWithAssets, concurrency, "", floorAssetsLookups.take);
          const uncachedRun = await measured(main, concurrency, "", uncached.take);
          const missRun = await measured(main, concurrency, "", miss.take);
          const cachedRun = await measured(main, concurrency, cachedPath);
          const leanRun = await measured(lean, concurrency, "", lookupOnlyLookups.take);
          const rows = [
            ["GET /health", health],
            ["floor", floorRun],
            ["floor+assets", floorAssetsRun],
            ["CCIP uncached", uncachedRun],
            ["CCIP miss", missRun],
            ["CCIP cached", cachedRun],
            ["lookup-only", leanRun],
            ["CCIP cache off", await measured(off, concurrency, "", cacheOff.take)],
            ["CCIP unknown", await measured(main, concurrency, "", unknown)],
            ["unknown off", await measured(off, concurrency, "", unknownCacheOff)],
          ] as const;
          for (const [route, result] of rows) {
            console.log(
              [
                String(concurrency).padStart(3),
                main.label.padEnd(6),
                route.padEnd(14),
                result.rps.toFixed(0).padStart(7),
                result.p50Ms.toFixed(1).padStart(7),
                result.p99Ms.toFixed(1).padStart(7),
                String(result.errors).padStart(6),
                `${((result.rps / health.rps) * 100).toFixed(0)}%`.padStart(9),
                `${(result.p99Ms / health.p99Ms).toFixed(2)}x`.padStart(13),
                result.treeCpuMs.toFixed(2).padStart(8),
                (result.workerCpuMs?.toFixed(2) ?? "-").padStart(10),
              ].join(" | "),
            );
          }
          const cpuRatioOf = (run: typeof uncachedRun, reference = floorRun) =>
            run.workerCpuMs && reference.workerCpuMs ? `${(run.workerCpuMs / reference.workerCpuMs).toFixed(2)}x` : "-";
          const cpuRatio = cpuRatioOf(uncachedRun);
          summaries.push(
            `  c=${concurrency} ${main.label.padEnd(6)}: uncached ${((uncachedRun.rps / floorRun.rps) * 100).toFixed(0)}% of the floor's req/s, ` +
              `${((uncachedRun.rps / health.rps) * 100).toFixed(0)}% of /health's; worker CPU ${cpuRatio} the floor's; ` +
              `p99 ${(uncachedRun.p99Ms / health.p99Ms).toFixed(2)}x /health's; cached ${((cachedRun.rps / health.rps) * 100).toFixed(0)}% of /health; ` +
              `lookup-only worker ${((leanRun.rps / floorRun.rps) * 100).toFixed(0)}% of the floor's req/s at ${cpuRatioOf(leanRun)} its CPU; ` +
              `uncached ${((uncachedRun.rps / floorAssetsRun.rps) * 100).toFixed(0)}% of floor+assets' req/s at ${cpuRatioOf(uncachedRun, floorAssetsRun)} its CPU`,
          );
        }
      }
      console.log(
        "\nAgainst the aims (issue 22: uncached ≥ 90% of the floor and ≥ 70% of /health at c=8; CPU ≤ 1.2x the floor's; cached ≥ 95% of /health; p99 ≤ 1.5x):",
      );
      for (const line of summaries) console.log(line);
      if (PROFILE) {
        const direct = targets.at(-1) as Targets;
        console.log(`\nWorker isolate profiles per lookup, c=8 via ${direct.main.label} (V8's sampling profiler; unminified workers)`);
        const profiled = async (label: string, target: Target, inspectorUrl: string, take: () => string) =>
          profileWorker({
            inspectorUrl,
            file: path.join(projectRoot, "bench", "out", `gateway-${label.replace(/ /g, "-")}.cpuprofile`),
            top: 8,
            shareUnder: ANSWER_CACHE_FUNCTIONS,
            work: async () => (await runLoad(target.url, 8, SECONDS, take)).requests,
          });
        const results = [
          ["floor", await profiled("floor", direct.floor, (floor as FloorWorker).inspectorUrl, floorLookups.take)],
          ["uncached", await profiled("uncached", direct.main, stack.info.inspectorUrl, uncached.take)],
          ["lookup-only", await profiled("lookup-only", direct.lookupOnly, (lookupOnly as LookupWorker).inspectorUrl, lookupOnlyLookups.take)],
          ["miss", await profiled("miss", direct.main, stack.info.inspectorUrl, miss.take)],
          ["cache off", await profiled("cache off", direct.peer, `http://127.0.0.1:${peerInspectorPort}`, cacheOff.take)],
          ["cached", await profiled("cached", direct.main, stack.info.inspectorUrl, () => cachedPath)],
          ["health", await profiled("health", direct.main, stack.info.inspectorUrl, () => "/health")],
        ] as const;
        // V8 samples by wall clock: a sample's interval includes time the thread waited for a core,
        // so busier runs (a miss also keeps miniflare's cache busy) read high. Shares within a profile hold.
        for (const [label, { msPerOperation, share }] of results) {
          console.log(
            `  ${label.padEnd(9)}: ${msPerOperation.toFixed(2)} ms sampled per lookup; the answer cache's own functions ${(share * 100).toFixed(1)}% of it`,
          );
        }
        console.log("  (wall-clock samples: totals read high under contention for the 2 cores; compare shares within a profile)");
      }
    } finally {
      await peer.stop();
      await floor?.stop();
      await floorAssets?.stop();
      await lookupOnly?.stop();
    }
  });
}
