import { defineCommand } from "citty";
import { COMMON_ARGS, DRY_RUN_ARG, output, registryClient, writeOrDryRun } from "../lib/registryClient";
import { UsageError } from "../lib/cliErrors";

const create = defineCommand({
  meta: { name: "create", description: "Create a service API key for one domain (admin); the key is shown once" },
  args: {
    domain: { type: "positional", required: true, description: "Domain the key may write under" },
    label: { type: "string", required: true, description: "Who the key is for" },
    "expires-in-days": { type: "string", description: "Expire the key after this many days" },
    ...COMMON_ARGS,
    ...DRY_RUN_ARG,
  },
  async run({ args }) {
    const days = args["expires-in-days"] === undefined ? undefined : Number(args["expires-in-days"]);
    if (days !== undefined && !(days > 0)) throw new UsageError("--expires-in-days takes a positive number");
    const body = {
      label: args.label,
      ...(days === undefined ? {} : { expiresAtSeconds: Math.floor(Date.now() / 1000 + days * 86_400) }),
    };
    const key = await writeOrDryRun(args["dry-run"], { method: "POST", path: `/v1/domains/${args.domain}/keys`, body }, () =>
      registryClient(args).createKey(args.domain, body),
    );
    if (key) {
      output(Boolean(args.json), key, () => `${key.key}\n(key ${key.id} for ${key.domain}; store it now, it is not shown again)`);
    }
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List a domain's API keys, without secrets (admin)" },
  args: { domain: { type: "positional", required: true, description: "Domain" }, ...COMMON_ARGS },
  async run({ args }) {
    const { items } = await registryClient(args).listKeys(args.domain);
    output(Boolean(args.json), { items }, () =>
      items
        .map(
          (k) => `${k.id}\t${k.label}\t${k.revokedAtSeconds ? "revoked" : k.expiresAtSeconds && k.expiresAtSeconds * 1000 < Date.now() ? "expired" : "active"}`,
        )
        .join("\n"),
    );
  },
});

const revoke = defineCommand({
  meta: { name: "revoke", description: "Revoke an API key at once (admin)" },
  args: { id: { type: "positional", required: true, description: "Key id (from key list)" }, ...COMMON_ARGS, ...DRY_RUN_ARG },
  async run({ args }) {
    const key = await writeOrDryRun(args["dry-run"], { method: "DELETE", path: `/v1/keys/${args.id}` }, () => registryClient(args).revokeKey(args.id));
    if (key) output(Boolean(args.json), key, () => `revoked ${key.id} (${key.label})`);
  },
});

/** `key create|list|revoke`. */
export default defineCommand({ meta: { name: "key", description: "Manage service API keys" }, subCommands: { create, list, revoke } });
