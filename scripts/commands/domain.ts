import { defineCommand } from "citty";
import { callRegistry, COMMON_ARGS, DRY_RUN_ARG, output, registryTarget, writeOrDryRun } from "../lib/registryClient";
import { UsageError } from "../lib/cliErrors";

type Domain = { name: string; resolverAddress: string; chainId: number; allowAddressNames: boolean };

const add = defineCommand({
  meta: { name: "add", description: "Register a parent domain behind its OffchainResolver (admin)" },
  args: {
    domain: { type: "positional", required: true, description: "Parent name, e.g. acme.eth" },
    resolver: { type: "string", required: true, description: "OffchainResolver address that verifies the answers" },
    "chain-id": { type: "string", required: true, description: "Chain id of the resolver" },
    "allow-address-names": { type: "boolean", description: "Let anyone claim 0x<own address>.<domain> by signature" },
    ...COMMON_ARGS,
    ...DRY_RUN_ARG,
  },
  async run({ args }) {
    const chainId = Number(args["chain-id"]);
    if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new UsageError("--chain-id takes a positive integer");
    const body = { resolverAddress: args.resolver, chainId, allowAddressNames: Boolean(args["allow-address-names"]) };
    const domain = await writeOrDryRun<Domain>(args["dry-run"], registryTarget(args), "PUT", `/v1/domains/${args.domain}`, body);
    if (domain) output(Boolean(args.json), domain, () => `registered ${domain.name} → resolver ${domain.resolverAddress} on chain ${domain.chainId}`);
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List served domains" },
  args: { ...COMMON_ARGS },
  async run({ args }) {
    const { items } = await callRegistry<{ items: Domain[] }>(registryTarget(args), "GET", "/v1/domains");
    output(Boolean(args.json), { items }, () =>
      items.map((d) => `${d.name}\tresolver ${d.resolverAddress}\tchain ${d.chainId}${d.allowAddressNames ? "\taddress names" : ""}`).join("\n"),
    );
  },
});

/** `domain add|list`. */
export default defineCommand({ meta: { name: "domain", description: "Manage served domains" }, subCommands: { add, list } });
