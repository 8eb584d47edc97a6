import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildWebAssets } from "./buildWeb";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { generateDeliveryServiceKeys } from "./deliveryServiceKeys";
import { LOOKUP_WORKER_SECRETS, writeLookupWorkerConfig } from "./lookupWorkerConfig";
import { projectRoot } from "./paths";
import { runWrangler } from "./wrangler";

/** The worker's secrets (wrangler.toml `secrets.required`). */
export const WORKER_SECRETS = ["SIGNER_PRIVATE_KEY", "ADMIN_TOKEN", "DS_SIGNING_KEY", "DS_ENCRYPTION_KEY", "BRIDGE_SECRET"] as const;
type SecretName = (typeof WORKER_SECRETS)[number];

const PLACEHOLDER_DATABASE_ID = "00000000-0000-0000-0000-000000000000";
const WRANGLER_TOML = path.join(projectRoot, "wrangler.toml");

/** Fresh values for the worker secrets missing from `present`. */
export function generateMissingSecrets(present: Partial<Record<SecretName, string>>): Partial<Record<SecretName, string>> {
  const generated: Partial<Record<SecretName, string>> = {};
  if (!present.SIGNER_PRIVATE_KEY) generated.SIGNER_PRIVATE_KEY = generatePrivateKey();
  if (!present.ADMIN_TOKEN) generated.ADMIN_TOKEN = randomBytes(32).toString("base64url");
  if (!present.BRIDGE_SECRET) generated.BRIDGE_SECRET = randomBytes(32).toString("base64url");
  if (!present.DS_SIGNING_KEY || !present.DS_ENCRYPTION_KEY) {
    const keys = generateDeliveryServiceKeys();
    generated.DS_SIGNING_KEY = keys.signingKey;
    generated.DS_ENCRYPTION_KEY = keys.encryptionKey;
  }
  return generated;
}

/** The address a signer secret signs as (what the resolver must list). */
export const signerAddressOf = (privateKey: string) => privateKeyToAccount(privateKey as `0x${string}`).address;

/** The D1 id in wrangler.toml, or undefined while it is still the placeholder. */
export async function configuredDatabaseId(): Promise<string | undefined> {
  const id = /^database_id\s*=\s*"([^"]+)"/m.exec(await readFile(WRANGLER_TOML, "utf8"))?.[1];
  return id && id !== PLACEHOLDER_DATABASE_ID ? id : undefined;
}

/** `wrangler d1 create <database_name>`, then writes the new id into wrangler.toml (ids are not secret: commit it). */
export async function createDatabase(): Promise<string> {
  const name = /^database_name\s*=\s*"([^"]+)"/m.exec(await readFile(WRANGLER_TOML, "utf8"))?.[1];
  if (!name) throw new Error("wrangler.toml names no D1 database_name");
  const output = await runWranglerOutput(["d1", "create", name]);
  const id = /"?database_id"?\s*[:=]\s*"([0-9a-f-]{36})"/.exec(output)?.[1];
  if (!id) throw new Error(`wrangler d1 create printed no database_id:\n${output}`);
  const config = await readFile(WRANGLER_TOML, "utf8");
  await writeFile(WRANGLER_TOML, config.replace(`database_id = "${PLACEHOLDER_DATABASE_ID}"`, `database_id = "${id}"`));
  return id;
}

/** The queues wrangler.toml binds (producers, consumers and dead-letter queues), in order of appearance. */
export async function configuredQueues(): Promise<string[]> {
  const config = await readFile(WRANGLER_TOML, "utf8");
  const names = [...config.matchAll(/^\s*(?:queue|dead_letter_queue)\s*=\s*"([^"]+)"/gm)].map((match) => match[1] as string);
  return [...new Set(names)];
}

/** Creates each queue wrangler.toml binds that the account does not have yet (a deploy needs them to exist). */
export async function ensureQueues(): Promise<string[]> {
  const created: string[] = [];
  for (const name of await configuredQueues()) {
    try {
      await runWranglerOutput(["queues", "create", name]);
      created.push(name);
    } catch (error) {
      // wrangler answers an existing name with an error that says so; anything else is real.
      if (!/already (exists|taken)/i.test(error instanceof Error ? error.message : String(error))) throw error;
    }
  }
  return created;
}

/**
 * `wrangler deploy` with `secrets` uploaded in the same version. The values travel in the child's
 * environment; the secrets file wrangler reads only names them (`NAME=${NAME}`), so no secret is
 * written to disk or shown in a process list.
 */
export async function deployWorker(secrets: Partial<Record<SecretName, string>>, options: { dryRun: boolean }): Promise<string> {
  await buildWebAssets();
  return deployWithSecrets([], secrets, options);
}

/**
 * Deploys the lookup-only Worker (`<name>-lookup`, config derived from wrangler.toml: see
 * lookupWorkerConfig) with the secrets a lookup reads, which must be the main worker's own.
 */
export async function deployLookupWorker(secrets: Partial<Record<SecretName, string>>, options: { dryRun: boolean }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "dm3-lookup-"));
  try {
    const config = await writeLookupWorkerConfig(dir);
    const lookupSecrets = Object.fromEntries(LOOKUP_WORKER_SECRETS.flatMap((name) => (secrets[name] ? [[name, secrets[name]]] : [])));
    return await deployWithSecrets(["--config", config], lookupSecrets, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function deployWithSecrets(configArgs: string[], secrets: Partial<Record<SecretName, string>>, options: { dryRun: boolean }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "dm3-deploy-"));
  try {
    if (options.dryRun) return await runWranglerOutput(["deploy", ...configArgs, "--dry-run", "--outdir", path.join(dir, "bundle")]);
    const names = Object.keys(secrets);
    const secretsFile = path.join(dir, "secrets.env");
    await writeFile(secretsFile, names.map((name) => `${name}=\${${name}}\n`).join(""), { mode: 0o600 });
    return await runWranglerOutput(["deploy", ...configArgs, ...(names.length ? ["--secrets-file", secretsFile] : [])], secrets);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runWranglerOutput(args: string[], env: Record<string, string | undefined> = {}): Promise<string> {
  const { stdout, stderr } = await runWrangler(args, { env });
  return `${stdout}\n${stderr}`;
}
