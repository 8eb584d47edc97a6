import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

type CallFrame = { functionName: string; url: string; lineNumber: number };
type CpuProfile = { nodes: { id: number; callFrame: CallFrame; children?: number[] }[]; samples: number[]; timeDeltas: number[] };

/**
 * Runs `work` under V8's sampling profiler in the worker's own isolate (through wrangler's DevTools
 * endpoint, `StackInfo.inspectorUrl`), writes the `.cpuprofile` (open it in Chrome DevTools or
 * speedscope) and prints the functions that used the most CPU per operation, by self time.
 * Function names are readable only when the worker is built unminified (`minify = false`).
 */
export async function profileWorker(options: { inspectorUrl: string; file: string; operations: number; work: () => Promise<void> }): Promise<void> {
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
    await options.work();
    const { profile } = await send<{ profile: CpuProfile }>("Profiler.stop");
    await mkdir(path.dirname(options.file), { recursive: true });
    await writeFile(options.file, JSON.stringify(profile));
    printTopFunctions(profile, options.operations, options.file);
  } finally {
    socket.close();
  }
}

const IDLE = new Set(["(idle)", "(program)", "(root)"]);

function printTopFunctions(profile: CpuProfile, operations: number, file: string): void {
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
  console.log(`  worker isolate CPU (sampled): ${perOperation(busyMicros)} ms per operation; profile: ${file}`);
  for (const [key, micros] of [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`    ${perOperation(micros)} ms  ${key}`);
}
