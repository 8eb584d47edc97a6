import { writeFile } from "node:fs/promises";
import path from "node:path";
import { unstable_readConfig } from "wrangler";
import { projectRoot } from "./paths";

/** The secrets a lookup reads: the gateway's signer, and the DS keys behind `DS_NAME`'s record. */
export const LOOKUP_WORKER_SECRETS = ["SIGNER_PRIVATE_KEY", "DS_SIGNING_KEY", "DS_ENCRYPTION_KEY"] as const;

/** The lookup worker's entry point (`worker/src/lookupWorker.ts`). */
export const LOOKUP_WORKER_MAIN = path.join(projectRoot, "worker", "src", "lookupWorker.ts");

/** The lookup worker's name beside the main worker called `mainName`. */
export const lookupWorkerNameOf = (mainName: string) => `${mainName}-lookup`;

const WRANGLER_TOML = path.join(projectRoot, "wrangler.toml");

/** The main worker's name (wrangler.toml `name`). */
export function mainWorkerName(configFile = WRANGLER_TOML): string {
  return unstable_readConfig({ config: configFile }).name ?? "dm3-registry";
}

/**
 * The wrangler config of the lookup-only Worker, derived from wrangler.toml so that the two can
 * never drift apart: the same vars, D1 databases, compatibility date and build settings, named
 * `<name>-lookup`; none of the queues, crons, mail, rate limiters or assets (the lookup uses
 * none), and only the secrets a lookup reads.
 */
export function lookupWorkerConfig(configFile = WRANGLER_TOML): Record<string, unknown> {
  const config = unstable_readConfig({ config: configFile });
  return {
    name: lookupWorkerNameOf(mainWorkerName(configFile)),
    main: LOOKUP_WORKER_MAIN,
    compatibility_date: config.compatibility_date,
    compatibility_flags: config.compatibility_flags,
    workers_dev: config.workers_dev ?? true,
    minify: config.minify,
    keep_names: config.keep_names,
    upload_source_maps: config.upload_source_maps,
    vars: config.vars,
    d1_databases: config.d1_databases.map((database: { binding: string; database_name?: string; database_id?: string }) => ({
      binding: database.binding,
      database_name: database.database_name,
      database_id: database.database_id,
    })),
    secrets: { required: [...LOOKUP_WORKER_SECRETS] },
  };
}

/** Writes {@link lookupWorkerConfig} as `wrangler.json` into `dir` and returns its path. */
export async function writeLookupWorkerConfig(dir: string, configFile?: string): Promise<string> {
  const file = path.join(dir, "wrangler.json");
  await writeFile(file, `${JSON.stringify(lookupWorkerConfig(configFile), null, 2)}\n`);
  return file;
}
