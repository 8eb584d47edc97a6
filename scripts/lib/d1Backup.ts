import { copyFile, mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { projectRoot } from "./paths";
import { runWrangler } from "./wrangler";
import { writeSecretFile } from "./writeSecretFile";

/**
 * The tables a backup holds, parents before children (restores insert in this order). `api_keys`
 * is left out on purpose: keys are re-issued after a restore, never copied. `spent_challenges`
 * and `siwe_challenges` are short-lived auth state, `name_lifecycle_events` hand-overs between databases that are
 * delivered within minutes, `confirmation_mails` a one-day ledger of codes sent, and `resolver_checks`
 * what the cron recomputes from the chain.
 */
export const BACKUP_TABLES = [
  "domains",
  "names",
  "text_records",
  "address_records",
  // A name's history (used nonces, superseded profiles) is part of its safety: restored with it.
  "name_nonces",
  "superseded_profiles",
  "audit_log",
  "messages",
  "webhook_deliveries",
  "spam_rules",
  "outbound_messages",
  "notification_subscriptions",
] as const;

/** The first line of every backup this CLI writes; `restore` refuses files without it. */
export const BACKUP_HEADER = "-- dm3-registry backup v1";

/** The backup could not be made or used (exit 1, with what is wrong). */
export class BackupError extends Error {
  override readonly name = "BackupError";
}

/** Where the D1 lives: the local one `wrangler dev` uses (optionally under `persistTo`), or the deployed one. */
export type D1Location = { remote: true } | { remote: false; persistTo?: string | undefined };

function locationArgs(location: D1Location): string[] {
  if (location.remote) return ["--remote"];
  return ["--local", ...(location.persistTo ? ["--persist-to", location.persistTo] : [])];
}

function wrangler(args: string[], cwd = projectRoot) {
  return runWrangler(args, { cwd });
}

/** Where a location is, for messages. */
export function describeLocation(location: D1Location): string {
  return location.remote ? "the deployed D1 (--remote)" : `the local D1 in ${location.persistTo ?? ".wrangler/state"}`;
}

/**
 * Writes every row of {@link BACKUP_TABLES} as SQL INSERTs to `file` (no schema: restores go into a
 * migrated DB), mode 0600. Refuses a database without the registry's tables or rows, and checks
 * that every table that has rows has them in the file: an empty or partial backup is an error,
 * never a success. (Counts may grow while a live database is exported.) Returns the row counts.
 */
export async function exportD1(location: D1Location, file: string): Promise<Record<string, number>> {
  let expected: Record<string, number>;
  try {
    expected = await countRows(location);
  } catch (error) {
    throw new BackupError(`${describeLocation(location)} has no registry tables (${(error as Error).message}); is it the right database?`);
  }
  if (BACKUP_TABLES.every((table) => !expected[table])) {
    throw new BackupError(`${describeLocation(location)} holds no rows: nothing to back up (is the local stack running, or did you mean --remote?)`);
  }
  const raw = `${file}.partial`;
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await exportRaw(location, raw);
  const sql = await readFile(raw, "utf8");
  await rm(raw, { force: true });
  const found = countInserts(sql);
  const missing = BACKUP_TABLES.filter((table) => (expected[table] ?? 0) > 0 && !found[table]);
  if (missing.length > 0) {
    throw new BackupError(`the export does not hold every row (${missing.map((table) => `${table}: ${found[table] ?? 0} of ${expected[table]}`).join(", ")})`);
  }
  await writeSecretFile(file, `${BACKUP_HEADER}\n${sql}`);
  return expected;
}

/** INSERT statements per table in an export. */
function countInserts(sql: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [, table = ""] of sql.matchAll(/^INSERT INTO "?([a-z_]+)"?/gm)) counts[table] = (counts[table] ?? 0) + 1;
  return counts;
}

/**
 * Throws unless `sql` is a backup this CLI wrote: the header, then only what `wrangler d1 export
 * --no-schema` writes for the backup tables (one statement per line).
 */
export function assertOurBackup(sql: string, file: string): void {
  const [header, ...lines] = sql.split("\n");
  if (header !== BACKUP_HEADER) throw new BackupError(`${file} is not a dm3-registry backup (it must start with "${BACKUP_HEADER}")`);
  const allowed = new Set<string>(BACKUP_TABLES);
  for (const [index, line] of lines.entries()) {
    if (line === "" || line === "PRAGMA defer_foreign_keys=TRUE;") continue;
    const table = /^INSERT INTO "([a-z_]+)" \(/.exec(line)?.[1];
    if (table && allowed.has(table)) continue;
    throw new BackupError(`${file} line ${index + 2} is not part of a dm3-registry backup: ${line.slice(0, 60)}`);
  }
}

async function exportRaw(location: D1Location, file: string): Promise<void> {
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

/** Migrates the target D1 (a fresh one gets the schema) and loads a backup into it; refuses any other file. */
export async function restoreD1(location: D1Location, file: string): Promise<void> {
  const sql = await readFile(file, "utf8");
  assertOurBackup(sql, file);
  await wrangler(["d1", "migrations", "apply", "DB", ...locationArgs(location)]);
  // A backup of tables without rows leaves nothing to load (wrangler refuses a file with no statements).
  if (sql.includes("\nINSERT INTO ")) await wrangler(["d1", "execute", "DB", ...locationArgs(location), "--file", file, "--yes"]);
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
