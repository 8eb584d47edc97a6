import { performance } from "node:perf_hooks";

/** What one load run measured. */
export type LoadResult = { requests: number; errors: number; seconds: number; rps: number; p50Ms: number; p99Ms: number };

/**
 * Sends `url` from `concurrency` loops for `durationMs` (bounded: it stops by itself) and reports
 * throughput and latency percentiles. Every answer must be 200, else it counts as an error.
 */
export async function runLoad(url: string, concurrency: number, durationMs: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const loop = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const response = await fetch(url);
        await response.arrayBuffer();
        if (response.status !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return { requests: latencies.length, errors, seconds, rps: latencies.length / seconds, p50Ms: percentile(50), p99Ms: percentile(99) };
}
