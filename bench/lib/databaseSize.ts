import { readdir } from "node:fs/promises";
import path from "node:path";

/** Size of a local D1 database (the SQLite file wrangler keeps under its persist directory), in bytes, and by table/index. */
export type DatabaseSize = { bytes: number; byObject: { name: string; bytes: number }[] };

/**
 * Measures the local D1 in `d1Dir` (wrangler's `--persist-to` directory) with SQLite's own page
 * counts (`dbstat`), read-only beside the running worker: the size D1 bills and limits (10 GB).
 */
export async function measureDatabaseSize(d1Dir: string): Promise<DatabaseSize> {
  return readLocalD1(d1Dir, (db) => {
    const { bytes } = db.prepare("SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()").get() as { bytes: number };
    const byObject = db.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC").all() as { name: string; bytes: number }[];
    return { bytes, byObject };
  });
}

/** Runs `read` on the local D1 in `d1Dir`, opened read-only beside the running worker. */
export async function readLocalD1<T>(d1Dir: string, read: (db: import("node:sqlite").DatabaseSync) => T): Promise<T> {
  const dir = path.join(d1Dir, "v3", "d1", "miniflare-D1DatabaseObject");
  const files = (await readdir(dir)).filter((file) => file.endsWith(".sqlite") && file !== "metadata.sqlite");
  if (files.length !== 1) throw new Error(`expected one D1 database in ${dir}, found ${files.length}`);
  // Loaded here, not at the top: Node warns that node:sqlite is experimental when it is imported.
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(path.join(dir, files[0] as string), { readOnly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}
