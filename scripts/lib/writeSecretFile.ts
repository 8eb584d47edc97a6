import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** Writes a file that holds keys: mode 0600, also when it already existed with a looser mode. */
export async function writeSecretFile(file: string, contents: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, contents, { mode: 0o600 });
  await chmod(file, 0o600);
}
