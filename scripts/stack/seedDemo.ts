import { writeSecretFile } from "../lib/writeSecretFile";
import type { Address, Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { generateDm3Keys } from "../../worker/src/protocol/dm3/keys";
import { signUserProfile } from "../../worker/src/protocol/dm3/profile";

/** A demo user the stack registers, with the keys a client would need to act as them. */
/** Writes the demo users and their private keys where the README's examples read them (mode 0600). */
export function writeDemoKeys(file: string, users: DemoUser[]): Promise<void> {
  return writeSecretFile(file, `${JSON.stringify(users, null, 2)}\n`);
}

export type DemoUser = {
  name: string;
  address: Address;
  walletPrivateKey: Hex;
  dm3: ReturnType<typeof generateDm3Keys>;
};

/** The delivery service the demo profiles list (served by this worker from issue 4 on). */
export const DEMO_DELIVERY_SERVICE = "ds.demo.eth";

/**
 * Registers `domain` behind `resolver` and `alice.<domain>` with a fresh wallet, an address, a
 * couple of text records and a DM3 profile signed by that wallet, through the worker's admin API.
 */
export async function seedDemo(options: {
  gatewayUrl: string;
  adminToken: string;
  domain: string;
  /** The email bridge's domain, registered behind the same resolver (ENSIP-10 wildcard under `domain`). */
  bridgeDomain?: string;
  resolver: Address;
  chainId: number;
}): Promise<DemoUser[]> {
  const put = async (path: string, body: unknown) => {
    const response = await fetch(`${options.gatewayUrl}${path}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${options.adminToken}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`PUT ${path} failed: ${response.status} ${await response.text()}`);
  };
  // The demo domain lets anyone claim their address name (0x….demo.eth) by signature.
  await put(`/v1/domains/${options.domain}`, { resolverAddress: options.resolver, chainId: options.chainId, allowAddressNames: true });
  if (options.bridgeDomain) await put(`/v1/domains/${options.bridgeDomain}`, { resolverAddress: options.resolver, chainId: options.chainId });

  const walletPrivateKey = generatePrivateKey();
  const wallet = privateKeyToAccount(walletPrivateKey);
  const dm3 = generateDm3Keys();
  const signedProfile = await signUserProfile(wallet, {
    publicEncryptionKey: dm3.encryption.publicKey,
    publicSigningKey: dm3.signing.publicKey,
    deliveryServices: [DEMO_DELIVERY_SERVICE],
  });
  const alice: DemoUser = { name: `alice.${options.domain}`, address: wallet.address, walletPrivateKey, dm3 };
  await put(`/v1/names/${alice.name}`, {
    owner: wallet.address,
    texts: { description: "Alice, a demo user of the local dm3 registry", url: "https://dm3.network" },
    dm3Profile: signedProfile,
  });
  return [alice];
}
