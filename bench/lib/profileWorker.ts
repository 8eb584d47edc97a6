import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

type CallFrame = { functionName: string; url: string; lineNumber: number };
type CpuProfile = { nodes: { id: number; callFrame: CallFrame; children?: number[] }[]; samples: number[]; timeDeltas: number[] };

/** Whether benchmarks run profiled (`BENCH_PROFILE=1`): unminified workers, work under V8's profiler. */
export const PROFILE = process.env.BENCH_PROFILE === "1";

/**
 * Runs `work` (which returns how many operations it did) under V8's sampling profiler in the
 * worker's own isolate (through wrangler's DevTools endpoint), writes the `.cpuprofile` (open it in
 * Chrome DevTools or speedscope), prints the functions that used the most CPU per operation by self
 * time, and returns the isolate's sampled time per operation. Only the worker's own isolate is
 * sampled: miniflare's local D1, cache and rate limiter run elsewhere (as they do on Cloudflare).
 * V8 samples by wall clock, so time the thread waited for a core counts too: compare shares within
 * one profile, not totals between runs under different load.
 * Function names are readable only when the worker is built unminified.
 */
export async function profileWorker(options: {
  inspectorUrl: string;
  file: string;
  top?: number;
  /** Also report the share of busy samples with one of these functions on the stack. */
  shareUnder?: readonly string[];
  work: () => Promise<number>;
}): Promise<{ msPerOperation: number; share: number }> {
  const targets = (await (await fetch(`${options.inspectorUrl}/json`)).json()) as { webSocketDebuggerUrl: string }[];
  const target = targets[0];
  if (!target) throw new Error(`no worker is listed at ${options.inspectorUrl}/json`);
  // wrangler's inspector proxy accepts only local (or Cloudflare DevTools) origins.
  const socket = new WebSocket(target.webSocketDebuggerUrl, { headers: { Origin: "http://127.0.0.1" } } as unknown as string[]);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", () => reject(new Error(`could not open ${target.webSocketDebuggerUrl}`)), { once: true });
  });
  let lastId = 0;
  const answers = new Map<number, (result: unknown) => void>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) answers.get(message.id)?.(message.result);
  });
  const send = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve) => {
      const id = ++lastId;
      answers.set(id, resolve as (result: unknown) => void);
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await send("Profiler.enable");
    await send("Profiler.setSamplingInterval", { interval: 200 });
    await send("Profiler.start");
    const operations = await options.work();
    const { profile } = await send<{ profile: CpuProfile }>("Profiler.stop");
    await mkdir(path.dirname(options.file), { recursive: true });
    await writeFile(options.file, JSON.stringify(profile));
    const msPerOperation = printTopFunctions(profile, Math.max(1, operations), options.file, options.top ?? 15);
    return { msPerOperation, share: shareUnder(profile, new Set(options.shareUnder ?? [])) };
  } finally {
    socket.close();
  }
}

const IDLE = new Set(["(idle)", "(program)", "(root)"]);

function printTopFunctions(profile: CpuProfile, operations: number, file: string, top: number): number {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const selfMicros = new Map<string, number>();
  let busyMicros = 0;
  profile.samples.forEach((nodeId, index) => {
    const frame = frames.get(nodeId);
    if (!frame || IDLE.has(frame.functionName)) return;
    const micros = profile.timeDeltas[index] ?? 0;
    const where = frame.url ? ` ${frame.url.split("/").slice(-1)[0]}:${frame.lineNumber + 1}` : "";
    const key = `${frame.functionName || "(anonymous)"}${where}`;
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + micros);
    busyMicros += micros;
  });
  const perOperation = (micros: number) => (micros / 1000 / operations).toFixed(3).padStart(7);
  console.log(`  worker isolate, sampled: ${perOperation(busyMicros)} ms per operation; profile: ${file}`);
  for (const [key, micros] of [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`    ${perOperation(micros)} ms  ${key}`);
  return busyMicros / 1000 / operations;
}

/** The share of busy samples that have one of `functions` on their stack (inclusive time). */
function shareUnder(profile: CpuProfile, functions: ReadonlySet<string>): number {
  if (functions.size === 0) return 0;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  let busy = 0;
  let under = 0;
  profile.samples.forEach((nodeId, index) => {
    if (IDLE.has(nodes.get(nodeId)?.callFrame.functionName ?? "(idle)")) return;
    const micros = profile.timeDeltas[index] ?? 0;
    busy += micros;
    for (let current: number | undefined = nodeId; current !== undefined; current = parents.get(current)) {
      if (functions.has(nodes.get(current)?.callFrame.functionName ?? "")) {
        under += micros;
        return;
      }
    }
  });
  return busy === 0 ? 0 : under / busy;
}
