import type { Hex } from "viem";
import type { Database } from "../../db/client";
import { listUsersToReseal, resealBridgeUser } from "../../db/bridgeUsers";
import type { Dm3KeyPair } from "../../protocol/dm3/keys";
import type { KeyVault } from "../keyVault";

/** What the bridge holds for a virtual user: the Ethereum key that owns its name and signs its profile, and its DM3 keys. */
export type CustodialKeys = { ethereum: Hex; signing: Dm3KeyPair; encryption: Dm3KeyPair };

// Each sealed value is bound to its purpose and its virtual user: one never opens as another.
const keysOf = (name: string) => `keys|${name}`;
const addressOf = (name: string) => `address|${name}`;

export const sealKeys = (vault: KeyVault, name: string, keys: CustodialKeys) => vault.seal(JSON.stringify(keys), keysOf(name));
export const openKeys = async (vault: KeyVault, name: string, sealed: string) => JSON.parse(await vault.open(sealed, keysOf(name))) as CustodialKeys;
export const sealAddress = (vault: KeyVault, name: string, email: string) => vault.seal(email, addressOf(name));
export const openAddress = (vault: KeyVault, name: string, sealed: string) => vault.open(sealed, addressOf(name));

/**
 * A rotation's work: seals up to `limit` virtual users' keys and addresses that are still under
 * the previous secret again under the current one (the cron runs it while `BRIDGE_PREVIOUS_SECRET`
 * is set). Returns how many were resealed.
 */
export async function resealUsers(services: { db: Database; vault: KeyVault }, limit: number): Promise<number> {
  const { db, vault } = services;
  let resealed = 0;
  for (const user of await listUsersToReseal(db, vault.currentPrefix, limit)) {
    const after = {
      sealedEmail: await sealAddress(vault, user.name, await openAddress(vault, user.name, user.sealedEmail)),
      sealedKeys: await vault.seal(await vault.open(user.sealedKeys, keysOf(user.name)), keysOf(user.name)),
    };
    if (await resealBridgeUser(db, user.name, user, after)) resealed++;
  }
  return resealed;
}
