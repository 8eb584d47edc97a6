import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { writeSecretFile } from "../lib/writeSecretFile";
import path from "node:path";
import { type Hex, isHex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { generateDeliveryServiceKeys } from "../lib/deliveryServiceKeys";
import { projectRoot } from "../lib/paths";

/** The local worker secrets, from the git-ignored `.dev.vars`. */
export type DevSecrets = { signerPrivateKey: Hex; adminToken: string; dsSigningKey: string; dsEncryptionKey: string; bridgeSecret: string };

/** The secrets file `wrangler dev` reads by default. */
export const DEV_VARS_FILE = path.join(projectRoot, ".dev.vars");

/**
 * Reads `.dev.vars` (or `file`), creating it with fresh secrets when it is missing, so
 * `wrangler dev` and the stack share one set of secrets that never leaves this machine.
 */
export async function ensureDevSecrets(file: string = DEV_VARS_FILE): Promise<DevSecrets> {
  if (!existsSync(file)) {
    const body = [
      "# Created by `npm start` for local development only. Never commit this file.",
      `SIGNER_PRIVATE_KEY=${generatePrivateKey()}`,
      `ADMIN_TOKEN=${randomBytes(24).toString("base64url")}`,
      "",
    ].join("\n");
    // Exclusive create: when two processes start at once, exactly one file wins and both read it.
    await writeFile(file, body, { mode: 0o600, flag: "wx" }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
  }
  let values = parseDotenv(await readFile(file, "utf8"));
  if (!values.DS_SIGNING_KEY || !values.DS_ENCRYPTION_KEY) {
    // Files from before the relay existed get delivery-service keys added.
    const keys = generateDeliveryServiceKeys();
    await appendFile(file, `DS_SIGNING_KEY=${keys.signingKey}\nDS_ENCRYPTION_KEY=${keys.encryptionKey}\n`);
    values = parseDotenv(await readFile(file, "utf8"));
  }
  if (!values.BRIDGE_SECRET) {
    // Files from before the email bridge existed get its key-vault secret added.
    await appendFile(file, `BRIDGE_SECRET=${randomBytes(32).toString("base64url")}\n`);
    values = parseDotenv(await readFile(file, "utf8"));
  }
  const signerPrivateKey = values.SIGNER_PRIVATE_KEY;
  const adminToken = values.ADMIN_TOKEN;
  if (!signerPrivateKey || !isHex(signerPrivateKey) || signerPrivateKey.length !== 66 || !adminToken) {
    throw new Error(".dev.vars needs SIGNER_PRIVATE_KEY (0x + 64 hex) and ADMIN_TOKEN; see .dev.vars.example");
  }
  return {
    signerPrivateKey,
    adminToken,
    dsSigningKey: values.DS_SIGNING_KEY as string,
    dsEncryptionKey: values.DS_ENCRYPTION_KEY as string,
    bridgeSecret: values.BRIDGE_SECRET as string,
  };
}

/** Sets `name=value` in the secrets `file` (replacing its line, or appending one). */
export async function setDevSecret(file: string, name: string, value: string): Promise<void> {
  const text = await readFile(file, "utf8");
  const line = `${name}=${value}`;
  const pattern = new RegExp(`^\\s*${name}\\s*=.*$`, "m");
  const updated = pattern.test(text) ? text.replace(pattern, line) : `${text.replace(/\n?$/, "\n")}${line}\n`;
  await writeSecretFile(file, updated);
}

function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] && match[2] !== undefined) values[match[1]] = match[2].replace(/^"(.*)"$/, "$1");
  }
  return values;
}
