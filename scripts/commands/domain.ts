import { defineCommand } from "citty";
import type { Address } from "viem";
import { COMMON_ARGS, DRY_RUN_ARG, output, registryClient, writeOrDryRun } from "../lib/registryClient";
import { UsageError } from "../lib/cliErrors";

const add = defineCommand({
  meta: { name: "add", description: "Register a parent domain behind its OffchainResolver (admin)" },
  args: {
    domain: { type: "positional", required: true, description: "Parent name, e.g. acme.eth" },
    resolver: { type: "string", required: true, description: "OffchainResolver address that verifies the answers" },
    "chain-id": { type: "string", required: true, description: "Chain id of the resolver" },
    "allow-address-names": {
      type: "boolean",
      description: "Let anyone claim 0x<own address>.<domain> by signature (--no-allow-address-names stops it; omitted: unchanged)",
    },
    ...COMMON_ARGS,
    ...DRY_RUN_ARG,
  },
  async run({ args }) {
    const chainId = Number(args["chain-id"]);
    if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new UsageError("--chain-id takes a positive integer");
    // Omitted: an existing domain keeps its policy (a new one starts without address names).
    const allow = args["allow-address-names"] as boolean | undefined;
    const body = { resolverAddress: args.resolver as Address, chainId, ...(allow === undefined ? {} : { allowAddressNames: allow }) };
    const domain = await writeOrDryRun(args["dry-run"], { method: "PUT", path: `/v1/domains/${args.domain}`, body }, () =>
      registryClient(args).putDomain(args.domain, body),
    );
    if (domain) output(Boolean(args.json), domain, () => `registered ${domain.name} → resolver ${domain.resolverAddress} on chain ${domain.chainId}`);
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List served domains" },
  args: { ...COMMON_ARGS },
  async run({ args }) {
    const { items } = await registryClient(args).listDomains();
    output(Boolean(args.json), { items }, () =>
      items.map((d) => `${d.name}\tresolver ${d.resolverAddress}\tchain ${d.chainId}${d.allowAddressNames ? "\taddress names" : ""}`).join("\n"),
    );
  },
});

const webhook = defineCommand({
  meta: { name: "webhook", description: "Gateway mode: send the domain's envelopes to a webhook (prints the HMAC secret once); --remove to stop" },
  args: {
    domain: { type: "positional", required: true, description: "Domain" },
    to: { type: "string", description: "https URL that receives the POSTed envelopes" },
    remove: { type: "boolean", description: "Stop gateway mode (queued deliveries stay queued)" },
    ...COMMON_ARGS,
    ...DRY_RUN_ARG,
  },
  async run({ args }) {
    if (Boolean(args.to) === Boolean(args.remove)) throw new UsageError("Pass either --to <https URL> or --remove");
    const registry = registryClient(args);
    const path = `/v1/domains/${args.domain}/webhook`;
    const to = args.to as string;
    const result = args.remove
      ? await writeOrDryRun(args["dry-run"], { method: "DELETE", path }, () => registry.removeWebhook(args.domain))
      : await writeOrDryRun(args["dry-run"], { method: "PUT", path, body: { url: to } }, () => registry.setWebhook(args.domain, to));
    if (result) {
      output(Boolean(args.json), result, () =>
        args.remove
          ? `${args.domain}: gateway mode off`
          : `${args.domain} → ${args.to}\nHMAC secret (store it now, not shown again): ${(result as { secret: string }).secret}`,
      );
    }
  },
});

const queue = defineCommand({
  meta: { name: "queue", description: "Gateway mode: envelopes waiting for the webhook, with attempts and last error" },
  args: { domain: { type: "positional", required: true, description: "Domain" }, ...COMMON_ARGS },
  async run({ args }) {
    const { items } = await registryClient(args).webhookQueue(args.domain);
    output(Boolean(args.json), { items }, () =>
      items.length === 0
        ? "queue empty"
        : items
            .map((i) => `${i.id}\t${i.recipient}\tattempts ${i.attempts}\tnext ${new Date(i.nextAttemptAtMs).toISOString()}\t${i.lastError ?? ""}`)
            .join("\n"),
    );
  },
});

/** `domain add|list|webhook|queue`. */
export default defineCommand({ meta: { name: "domain", description: "Manage served domains" }, subCommands: { add, list, webhook, queue } });
