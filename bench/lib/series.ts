import { performance } from "node:perf_hooks";
import { processTreeCpuSeconds } from "./processCpu";

/** One measured run: how many requests, how long, each one's latency, and the worker's CPU over it. */
export type Series = { label: string; count: number; seconds: number; latenciesMs: number[]; cpuSeconds: number };

/** Runs `count` requests at `concurrency`; latencies per request and the CPU of the worker's process tree over the run. */
export async function measureSeries(
  label: string,
  workerPid: number,
  concurrency: number,
  count: number,
  request: (index: number) => Promise<void>,
): Promise<Series> {
  const latenciesMs: number[] = [];
  const cpuBefore = processTreeCpuSeconds(workerPid);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const begun = performance.now();
        await request(index);
        latenciesMs.push(performance.now() - begun);
      }
    }),
  );
  return { label, count, seconds: (performance.now() - started) / 1000, latenciesMs, cpuSeconds: processTreeCpuSeconds(workerPid) - cpuBefore };
}

/** One line per series: requests per second, p50 and p99, worker CPU per request. */
export function printSeries(series: Series[]): void {
  for (const item of series) {
    const sorted = [...item.latenciesMs].sort((a, b) => a - b);
    const percentile = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
    console.log(
      `  ${item.label.padEnd(34)} ${(item.count / item.seconds).toFixed(0).padStart(5)} req/s  p50 ${percentile(50).toFixed(1)} ms  p99 ${percentile(99).toFixed(1)} ms  worker CPU ${((item.cpuSeconds / item.count) * 1000).toFixed(2)} ms/req`,
    );
  }
}
