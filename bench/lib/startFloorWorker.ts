import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Hex } from "viem";
import { namehash } from "viem/ens";
import { projectRoot } from "../../scripts/lib/paths";
import { runWrangler } from "../../scripts/lib/wrangler";
import { findFreePort, stopProcessGroup } from "../../scripts/stack/processes";
import { startWorker } from "../../scripts/stack/startWorker";

const FLOOR_DIR = path.join(projectRoot, "bench", "floor");
/** Rows per INSERT: D1 refuses statements over 100 KB (a row here is ~600 bytes). */
const ROWS_PER_INSERT = 100;

/** A running floor worker (bench/floor): where to send requests, its pids, and how to stop it. */
export type FloorWorker = { url: string; pid: number; inspectorUrl: string; stop(): Promise<void> };

/**
 * Starts the floor worker on 127.0.0.1 over a D1 of its own with the registry's schema (our
 * migrations) holding the same names and text records the gateway serves (`texts` of each name),
 * signing for `resolver` with `signerPrivateKey`.
 */
export async function startFloorWorker(options: {
  stateDir: string;
  signerPrivateKey: Hex;
  resolver: Hex;
  domain: string;
  names: { name: string; texts: Record<string, string> }[];
  unminified?: boolean;
  /**
   * Serve the main worker's static assets too (wrangler.toml's `[assets]`): wrangler dev then runs
   * its asset router before every request, as it does for the main worker.
   */
  withAssets?: boolean;
}): Promise<FloorWorker> {
  const d1Dir = path.join(options.stateDir, "d1");
  await mkdir(options.stateDir, { recursive: true });
  // The config in the state directory (paths made absolute), its secret beside it in .dev.vars (0600).
  const config = path.join(options.stateDir, "wrangler.toml");
  const template = await readFile(path.join(FLOOR_DIR, "wrangler.toml"), "utf8");
  await writeFile(
    config,
    template
      .replace('main = "worker.ts"', `main = ${JSON.stringify(path.join(FLOOR_DIR, "worker.ts"))}`)
      .replace('migrations_dir = "../../migrations"', `migrations_dir = ${JSON.stringify(path.join(projectRoot, "migrations"))}`)
      .concat(options.withAssets ? `\n[assets]\ndirectory = ${JSON.stringify(path.join(projectRoot, "public"))}\n` : ""),
  );
  await writeFile(path.join(options.stateDir, ".dev.vars"), `SIGNER_PRIVATE_KEY=${options.signerPrivateKey}\n`, { mode: 0o600 });
  await runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", d1Dir, "--config", config]);
  const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;
  const statements = [
    `INSERT INTO domains (name, resolver_address, chain_id, created_at) VALUES (${quote(options.domain)}, ${quote(options.resolver)}, 31337, 0);`,
  ];
  for (let start = 0; start < options.names.length; start += ROWS_PER_INSERT) {
    const chunk = options.names.slice(start, start + ROWS_PER_INSERT);
    const rows = chunk.map(
      ({ name }) => `(${quote(namehash(name))}, ${quote(name)}, ${quote(options.domain)}, '0x0000000000000000000000000000000000000001', 0, 0)`,
    );
    statements.push(`INSERT INTO names (node, name, domain, owner_address, created_at, updated_at) VALUES ${rows.join(", ")};`);
    const texts = chunk.flatMap(({ name, texts }) => Object.entries(texts).map(([key, value]) => `(${quote(namehash(name))}, ${quote(key)}, ${quote(value)})`));
    if (texts.length > 0) statements.push(`INSERT INTO text_records (node, key, value) VALUES ${texts.join(", ")};`);
  }
  const file = path.join(options.stateDir, "fill.sql");
  await writeFile(file, statements.join("\n"));
  await runWrangler(["d1", "execute", "DB", "--local", "--persist-to", d1Dir, "--config", config, "--file", file]);
  const port = await findFreePort();
  const inspectorPort = await findFreePort();
  const { child, url } = await startWorker({
    port,
    inspectorPort,
    stateDir: d1Dir,
    logFile: path.join(options.stateDir, "floor.log"),
    configFile: config,
    ...(options.unminified && { unminified: true }),
    vars: { RESOLVER_ADDRESS: options.resolver },
  });
  const pid = child.pid as number;
  return { url, pid, inspectorUrl: `http://127.0.0.1:${inspectorPort}`, stop: () => stopProcessGroup(pid) };
}
