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
    const { busyMicros, underMicros, selfMicros } = analyse(profile, new Set(options.shareUnder ?? []));
    const msPerOperation = (micros: number) => micros / 1000 / Math.max(1, operations);
    console.log(`  worker isolate, sampled: ${msPerOperation(busyMicros).toFixed(3)} ms per operation; profile: ${options.file}`);
    for (const [key, micros] of [...selfMicros].sort((x, y) => y[1] - x[1]).slice(0, options.top ?? 15)) {
      console.log(`    ${msPerOperation(micros).toFixed(3).padStart(7)} ms  ${key}`);
    }
    return { msPerOperation: msPerOperation(busyMicros), share: busyMicros === 0 ? 0 : underMicros / busyMicros };
  } finally {
    socket.close();
  }
}

const IDLE = new Set(["(idle)", "(program)", "(root)"]);

/**
 * One walk over the samples: busy time (idle excluded), self time per function (name and place),
 * and the busy time with one of `under` on the stack (inclusive).
 */
function analyse(profile: CpuProfile, under: ReadonlySet<string>) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const selfMicros = new Map<string, number>();
  let busyMicros = 0;
  let underMicros = 0;
  profile.samples.forEach((nodeId, index) => {
    const frame = nodes.get(nodeId)?.callFrame;
    if (!frame || IDLE.has(frame.functionName)) return;
    const micros = profile.timeDeltas[index] ?? 0;
    busyMicros += micros;
    const where = frame.url ? ` ${frame.url.split("/").slice(-1)[0]}:${frame.lineNumber + 1}` : "";
    const key = `${frame.functionName || "(anonymous)"}${where}`;
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + micros);
    for (let current: number | undefined = nodeId; current !== undefined; current = parents.get(current)) {
      if (under.has(nodes.get(current)?.callFrame.functionName ?? "")) {
        underMicros += micros;
        break;
      }
    }
  });
  return { busyMicros, underMicros, selfMicros };
}
