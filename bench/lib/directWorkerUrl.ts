import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { processTree } from "./processCpu";

/** TCP ports `pids` listen on (IPv4 loopback), from /proc (Linux). */
function listeningPorts(pids: Iterable<number>): Map<number, number> {
  const socketOwner = new Map<string, number>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        if (inode) socketOwner.set(inode, pid);
      } catch {
        // The descriptor closed meanwhile.
      }
    }
  }
  const ports = new Map<number, number>();
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    const LISTEN = "0A";
    const pid = socketOwner.get(fields[9] ?? "");
    if (fields[3] === LISTEN && pid !== undefined) ports.set(Number.parseInt((fields[1] ?? "").split(":")[1] ?? "", 16), pid);
  }
  return ports;
}

/**
 * The worker's own workerd socket under `wrangler dev` (whose public port is wrangler's proxy, a
 * second workerd in front of it): the port of another workerd process in the tree that answers
 * `GET /health` as the proxied URL does (the same signer; or, for a worker without `/health`, the
 * same status and body at `probePath`). Returns its URL and that process's pid (its CPU
 * alone is the worker's), or undefined when none is found.
 */
export async function findDirectWorkerUrl(rootPid: number, proxiedUrl: string, probePath = "/health"): Promise<{ url: string; pid: number } | undefined> {
  const proxiedPort = Number(new URL(proxiedUrl).port);
  const fingerprint = async (response: Response) =>
    `${response.status} ${probePath === "/health" ? ((await response.json()) as { signer?: string }).signer : await response.text()}`;
  const expected = await fingerprint(await fetch(`${proxiedUrl}${probePath}`));
  const tree = processTree(rootPid);
  const workerd = [...tree.keys()].filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0]?.endsWith("/workerd");
    } catch {
      return false;
    }
  });
  const ports = listeningPorts(workerd);
  const proxyPid = ports.get(proxiedPort);
  for (const [port, pid] of ports) {
    if (pid === proxyPid) continue;
    const url = `http://127.0.0.1:${port}`;
    try {
      if ((await fingerprint(await fetch(`${url}${probePath}`, { signal: AbortSignal.timeout(2_000) }))) === expected) return { url, pid };
    } catch {
      // Not an HTTP socket of the worker (inspector, loopback services).
    }
  }
  return undefined;
}
