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
    database: {
      type: "string",
      description: "D1 binding to keep its names in: DB or one of NAME_DATABASES (omitted: NEW_DOMAINS_DATABASE; fixed once registered)",
    },
    ...COMMON_ARGS,
    ...DRY_RUN_ARG,
  },
  async run({ args }) {
    const chainId = Number(args["chain-id"]);
    if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new UsageError("--chain-id takes a positive integer");
    // Omitted: an existing domain keeps its policy (a new one starts without address names).
    const allow = args["allow-address-names"] as boolean | undefined;
    const body = {
      resolverAddress: args.resolver as Address,
      chainId,
      ...(allow === undefined ? {} : { allowAddressNames: allow }),
      ...(args.database === undefined ? {} : { database: args.database }),
    };
    const domain = await writeOrDryRun(args["dry-run"], { method: "PUT", path: `/v1/domains/${args.domain}`, body }, () =>
      registryClient(args).putDomain(args.domain, body),
    );
    if (domain)
      output(
        Boolean(args.json),
        domain,
        () => `registered ${domain.name} → resolver ${domain.resolverAddress} on chain ${domain.chainId}, names in ${domain.database}`,
      );
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List served domains" },
  args: { ...COMMON_ARGS },
  async run({ args }) {
    const { items } = await registryClient(args).listDomains();
    output(Boolean(args.json), { items }, () =>
      items
        .map(
          (d) =>
            `${d.name}\tresolver ${d.resolverAddress}\tchain ${d.chainId}${d.allowAddressNames ? "\taddress names" : ""}${d.database ? `\tnames in ${d.database}` : ""}`,
        )
        .join("\n"),
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

const outbound = defineCommand({
  meta: { name: "outbound", description: "Messages the domain's users sent to DM3 users elsewhere: status, attempts, last error" },
  args: {
    domain: { type: "positional", required: true, description: "Domain" },
    status: { type: "string", description: "Only pending, delivered or failed" },
    limit: { type: "string", description: "At most this many (newest first; default 50, at most 100)" },
    ...COMMON_ARGS,
  },
  async run({ args }) {
    const status = args.status as "pending" | "delivered" | "failed" | undefined;
    if (status !== undefined && !["pending", "delivered", "failed"].includes(status)) throw new UsageError("--status must be pending, delivered or failed");
    const page = await registryClient(args).listOutbound(args.domain, { ...(status && { status }), ...(args.limit && { limit: Number(args.limit) }) });
    output(Boolean(args.json), page, () =>
      page.items.length === 0
        ? "no outbound messages"
        : page.items
            .map(
              (i) =>
                `${i.id}\t${i.sender} → ${i.recipient}\t${i.status}${i.deliveredBy ? ` by ${i.deliveredBy}` : ""}\tattempts ${i.attempts}\t${i.lastError ?? ""}`,
            )
            .join("\n"),
    );
  },
});

const spamRules = defineCommand({
  meta: { name: "spam-rules", description: "The domain's default DM3 spam rules for its names (a name's own rules win)" },
  args: {
    domain: { type: "positional", required: true, description: "Domain" },
    "min-nonce": { type: "string", description: "Senders need at least this many transactions" },
    "min-balance": { type: "string", description: "Senders need at least this much ETH, in wei" },
    "min-token-balance": { type: "string", description: "<token address>=<amount>: senders need at least this much of an ERC-20" },
    clear: { type: "boolean", description: "Remove the defaults" },
    ...COMMON_ARGS,
  },
  async run({ args }) {
    const client = registryClient(args);
    const setting = args.clear || args["min-nonce"] !== undefined || args["min-balance"] !== undefined || args["min-token-balance"] !== undefined;
    if (!setting) {
      const view = await client.getDomainSpamRules(args.domain);
      output(Boolean(args.json), view, () => (Object.keys(view.rules).length === 0 ? "no spam rules" : JSON.stringify(view.rules)));
      return;
    }
    const [token, amount] = (args["min-token-balance"] ?? "").split("=");
    if (args["min-token-balance"] !== undefined && (!token || !amount)) throw new UsageError("--min-token-balance takes <token address>=<amount>");
    const rules = args.clear
      ? {}
      : {
          ...(args["min-nonce"] !== undefined && { minNonce: Number(args["min-nonce"]) }),
          ...(args["min-balance"] !== undefined && { minBalance: args["min-balance"] }),
          ...(token && amount && { minTokenBalance: { address: token, amount } }),
        };
    const view = await client.setDomainSpamRules(args.domain, rules);
    output(Boolean(args.json), view, () => (Object.keys(view.rules).length === 0 ? "spam rules removed" : `spam rules: ${JSON.stringify(view.rules)}`));
  },
});

/** `domain add|list|webhook|queue|outbound|spam-rules`. */
export default defineCommand({
  meta: { name: "domain", description: "Manage served domains" },
  subCommands: { add, list, webhook, queue, outbound, "spam-rules": spamRules },
});
