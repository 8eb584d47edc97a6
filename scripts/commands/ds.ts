import { defineCommand } from "citty";
import { generateDeliveryServiceKeys } from "../lib/deliveryServiceKeys";

const keys = defineCommand({
  meta: { name: "keys", description: "Generate delivery-service keys (Ed25519 signing, X25519 encryption) as worker secrets" },
  args: { json: { type: "boolean", description: "Print one JSON object" } },
  run({ args }) {
    const generated = generateDeliveryServiceKeys();
    if (args.json) {
      console.log(JSON.stringify(generated));
      return;
    }
    console.error("Secrets: put them in .dev.vars locally, or `wrangler secret put DS_SIGNING_KEY` / `DS_ENCRYPTION_KEY`.");
    console.log(`DS_SIGNING_KEY=${generated.signingKey}\nDS_ENCRYPTION_KEY=${generated.encryptionKey}`);
    console.error(`public signing key ${generated.publicSigningKey}\npublic encryption key ${generated.publicEncryptionKey}`);
  },
});

/** `ds keys`. */
export default defineCommand({ meta: { name: "ds", description: "Delivery service (relay) identity" }, subCommands: { keys } });
