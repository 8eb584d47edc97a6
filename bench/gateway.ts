/**
 * Gateway throughput and latency under `wrangler dev`: signed CCIP-Read answers for a ~500-byte
 * text record — uncached (every request another name) and cached (one lookup repeated) — vs the
 * static `GET /health`, at concurrency 1, 8 and 32, interleaved in one run so every figure can be
 * read as a ratio to the static route (this machine is noisy; ratios hold).
 * Load comes from autocannon (keep-alive connections) in this process.
 *
 * Usage: npm run bench -- gateway   (BENCH_SECONDS=5 per point by default)
 */
import { encodeFunctionData, toHex } from "viem";
import { namehash, packetToBytes } from "viem/ens";
import { offchainResolverAbi, recordResolverAbi } from "../worker/src/abi";
import { withBenchStack } from "./lib/benchStack";
import { runLoad } from "./lib/load";
import { processTreeCpuSeconds } from "./lib/processCpu";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = [1, 8, 32];
const RECORD_BYTES = 500;

/** Distinct names, so every "uncached" lookup is a different call (a cache miss). */
const DISTINCT_NAMES = 10_000;
const BULK_BATCH = 1_000;

export async function benchGateway(): Promise<void> {
  await withBenchStack(async (stack, registry) => {
    const domain = stack.info.domain;
    const bio = "x".repeat(RECORD_BYTES);
    for (let offset = 0; offset < DISTINCT_NAMES; offset += BULK_BATCH) {
      const names = Array.from({ length: BULK_BATCH }, (_, index) => ({ name: `u${offset + index}.${domain}`, owner: stack.info.signer, texts: { bio } }));
      await registry.bulkPut(domain, names);
    }
    const lookupPath = (name: string) => {
      const inner = encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [namehash(name), "bio"] });
      const callData = encodeFunctionData({ abi: offchainResolverAbi, functionName: "resolve", args: [toHex(packetToBytes(name)), inner] });
      return `/ccip/${stack.info.resolver}/${callData}.json`;
    };
    // Paths are built ahead so the load generator spends no CPU on ABI encoding.
    const uncachedPaths = Array.from({ length: DISTINCT_NAMES }, (_, index) => lookupPath(`u${index}.${domain}`));
    let next = 0;
    const nextUncached = () => {
      if (next >= uncachedPaths.length) throw new Error("ran out of distinct names: lower BENCH_SECONDS");
      return uncachedPaths[next++] as string;
    };
    const cachedUrl = `${stack.info.gatewayUrl}${lookupPath(`u0.${domain}`)}`;
    const healthUrl = `${stack.info.gatewayUrl}/health`;
    await runLoad(healthUrl, 4, 1); // warm up
    await runLoad(cachedUrl, 4, 1);

    console.log(`\nGateway under wrangler dev, ${SECONDS}s per point, ${RECORD_BYTES}-byte text record`);
    console.log("  uncached: every request a different name (D1 read + signature); cached: the same lookup repeated (Cache API)");
    console.log("  worker CPU: the whole wrangler dev process tree (wrangler's proxy included), from /proc, per request");
    console.log("concurrency | route           |   req/s |  p50 ms |  p99 ms | errors | req/s vs health | p99 vs health | CPU ms/req");
    const pid = stack.info.pids.worker;
    /** A load run, with the worker's CPU seconds over it. */
    const measured = async (...args: Parameters<typeof runLoad>) => {
      const before = processTreeCpuSeconds(pid);
      const result = await runLoad(...args);
      return { ...result, cpuMsPerRequest: ((processTreeCpuSeconds(pid) - before) * 1000) / Math.max(1, result.requests) };
    };
    for (const concurrency of CONCURRENCY) {
      const health = await measured(healthUrl, concurrency, SECONDS);
      const uncached = await measured(stack.info.gatewayUrl, concurrency, SECONDS, nextUncached);
      const cached = await measured(cachedUrl, concurrency, SECONDS);
      for (const [route, result] of [
        ["GET /health", health],
        ["CCIP uncached", uncached],
        ["CCIP cached", cached],
      ] as const) {
        console.log(
          [
            String(concurrency).padStart(11),
            route.padEnd(15),
            result.rps.toFixed(0).padStart(7),
            result.p50Ms.toFixed(1).padStart(7),
            result.p99Ms.toFixed(1).padStart(7),
            String(result.errors).padStart(6),
            `${((result.rps / health.rps) * 100).toFixed(0)}%`.padStart(15),
            `${(result.p99Ms / health.p99Ms).toFixed(2)}x`.padStart(13),
            result.cpuMsPerRequest.toFixed(2).padStart(10),
          ].join(" | "),
        );
      }
    }
  });
}
