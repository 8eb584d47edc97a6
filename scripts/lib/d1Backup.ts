import { copyFile, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { projectRoot } from "./paths";
import { runWrangler } from "./wrangler";

/**
 * The tables a backup holds, parents before children (restores insert in this order). `api_keys`
 * is left out on purpose: keys are re-issued after a restore, never copied. `spent_challenges`
 * is short-lived auth state.
 */
export const BACKUP_TABLES = ["domains", "names", "text_records", "address_records", "audit_log", "messages", "webhook_deliveries"] as const;

/** Where the D1 lives: the local one `wrangler dev` uses (optionally under `persistTo`), or the deployed one. */
export type D1Location = { remote: true } | { remote: false; persistTo?: string | undefined };

function locationArgs(location: D1Location): string[] {
  if (location.remote) return ["--remote"];
  return ["--local", ...(location.persistTo ? ["--persist-to", location.persistTo] : [])];
}

function wrangler(args: string[], cwd = projectRoot) {
  return runWrangler(args, { cwd });
}

/** Writes every row of {@link BACKUP_TABLES} as SQL INSERTs to `file` (no schema: restores go into a migrated DB). */
export async function exportD1(location: D1Location, file: string): Promise<void> {
  const args = ["d1", "export", "DB", "--no-schema", "--output", path.resolve(file), ...BACKUP_TABLES.flatMap((table) => ["--table", table])];
  if (location.remote || !location.persistTo) {
    await wrangler([...args, location.remote ? "--remote" : "--local"]);
    return;
  }
  // `wrangler d1 export` has no --persist-to: run it from a directory whose default state dir is ours.
  const workDir = await mkdtemp(path.join(tmpdir(), "dm3-d1-export-"));
  try {
    await copyFile(path.join(projectRoot, "wrangler.toml"), path.join(workDir, "wrangler.toml"));
    await mkdir(path.join(workDir, ".wrangler"));
    await symlink(path.resolve(location.persistTo), path.join(workDir, ".wrangler", "state"));
    await wrangler([...args, "--local"], workDir);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Migrates the target D1 (a fresh one gets the schema) and loads a backup into it. */
export async function restoreD1(location: D1Location, file: string): Promise<void> {
  await wrangler(["d1", "migrations", "apply", "DB", ...locationArgs(location)]);
  await wrangler(["d1", "execute", "DB", ...locationArgs(location), "--file", file, "--yes"]);
}

/** Row counts per table (all tables of the schema, api_keys included), to compare a restore with its source. */
export async function countRows(location: D1Location): Promise<Record<string, number>> {
  const tables = [...BACKUP_TABLES, "api_keys"];
  // One row of scalar subqueries (D1 caps compound SELECTs at a few terms).
  const sql = `SELECT ${tables.map((table) => `(SELECT COUNT(*) FROM ${table}) AS ${table}`).join(", ")}`;
  const { stdout } = await wrangler(["d1", "execute", "DB", ...locationArgs(location), "--json", "--command", sql]);
  const [result] = JSON.parse(stdout) as { results: Record<string, number>[] }[];
  return result?.results[0] ?? {};
}
