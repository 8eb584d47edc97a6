import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100;

/** Parent pid and CPU ticks (user + system) of one process, from /proc (Linux). */
function readStat(pid: number): { ppid: number; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** `rootPid` and every process below it, with their CPU ticks so far. */
export function processTree(rootPid: number): Map<number, number> {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat) stats.set(pid, stat);
  }
  const inTree = (pid: number): boolean => {
    for (let current = pid, depth = 0; current > 1 && depth < 64; depth++) {
      if (current === rootPid) return true;
      current = stats.get(current)?.ppid ?? 0;
    }
    return false;
  };
  const tree = new Map<number, number>();
  for (const [pid, stat] of stats) if (inTree(pid)) tree.set(pid, stat.ticks);
  return tree;
}

/**
 * CPU seconds used so far by `rootPid` and every process below it (wrangler, its proxy and workerd),
 * or by `onlyPid` alone: sample before and after a run, and divide the difference by the work done.
 */
export function processTreeCpuSeconds(rootPid: number, onlyPid?: number): number {
  let ticks = 0;
  for (const [pid, pidTicks] of processTree(rootPid)) if (onlyPid === undefined || pid === onlyPid) ticks += pidTicks;
  return ticks / TICKS_PER_SECOND;
}
