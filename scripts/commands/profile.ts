import { defineCommand } from "citty";
import { type Hex, isHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { generateDm3Keys } from "../../worker/src/protocol/dm3/keys";
import { signUserProfile } from "../../worker/src/protocol/dm3/profile";
import { UsageError } from "../lib/cliErrors";
import { writeSecretFile } from "../lib/writeSecretFile";

const create = defineCommand({
  meta: {
    name: "create",
    description: "Make a signed DM3 profile with fresh keys for the wallet in $DM3_WALLET_PRIVATE_KEY (prints JSON with the private keys)",
  },
  args: {
    ds: { type: "string", required: true, description: "Delivery service ENS names, comma-separated, primary first" },
    out: { type: "string", description: "Write the profile and its private keys to this file (mode 0600) instead of stdout" },
  },
  async run({ args }) {
    const walletKey = process.env.DM3_WALLET_PRIVATE_KEY;
    if (!walletKey || !isHex(walletKey) || walletKey.length !== 66) {
      throw new UsageError("Set DM3_WALLET_PRIVATE_KEY to the wallet's 0x-prefixed private key (never passed as a flag)");
    }
    const wallet = privateKeyToAccount(walletKey as Hex);
    const keys = generateDm3Keys();
    const deliveryServices = args.ds
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);
    const signedUserProfile = await signUserProfile(wallet, {
      publicEncryptionKey: keys.encryption.publicKey,
      publicSigningKey: keys.signing.publicKey,
      deliveryServices,
    });
    const output = JSON.stringify({ address: wallet.address, signedUserProfile, keys });
    if (args.out) {
      await writeSecretFile(args.out, `${output}\n`);
      console.error(`${args.out} holds DM3 private keys (mode 0600): keep it secret.`);
    } else {
      console.error("The output holds DM3 private keys: keep it secret.");
      console.log(output);
    }
  },
});

/** `profile create`. */
export default defineCommand({ meta: { name: "profile", description: "DM3 profiles" }, subCommands: { create } });
