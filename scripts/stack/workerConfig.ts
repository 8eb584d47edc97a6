import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { projectRoot } from "../lib/paths";

/** The project's wrangler config. */
export const WRANGLER_CONFIG = path.join(projectRoot, "wrangler.toml");

/**
 * Copies wrangler.toml into `dir` with its paths made absolute, so a worker can run with its own
 * `.dev.vars` (wrangler dev reads the one next to its config, and re-reads it when the config is
 * touched — `--env-file` files are not re-read).
 */
export async function copyWorkerConfig(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const config = (await readFile(WRANGLER_CONFIG, "utf8")).replace(
    /^(main|migrations_dir|directory)(\s*=\s*)"([^"]+)"/gm,
    (_line, key: string, equals: string, value: string) => `${key}${equals}${JSON.stringify(path.resolve(projectRoot, value))}`,
  );
  const file = path.join(dir, "wrangler.toml");
  await writeFile(file, config);
  return file;
}
