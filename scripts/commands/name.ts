import { readFileSync } from "node:fs";
import { defineCommand } from "citty";
import { UsageError } from "../lib/cliErrors";
import type { Address, Hex } from "viem";
import type { NameRecordsInput, SignedUserProfile } from "../../sdk/src/index";
import { NAME_LIMITS } from "../../worker/src/registry/limits";
import { COMMON_ARGS, DRY_RUN_ARG, keyValuePairs, output, registryClient, repeatedFlag, writeOrDryRun } from "../lib/registryClient";

const set = defineCommand({
  meta: { name: "set", description: "Create or replace a name with all its records (admin token or API key)" },
  args: {
    name: { type: "positional", required: true, description: "e.g. alice.acme.eth" },
    owner: { type: "string", required: true, description: "Owner address (also the ETH address)" },
    text: { type: "string", description: "Text record key=value (repeatable)" },
    addr: { type: "string", description: "Address coinType=0xbytes (repeatable)" },
    contenthash: { type: "string", description: "Contenthash as 0x-hex bytes" },
    profile: { type: "string", description: "File with a SignedUserProfile (from `profile create`)" },
    ...COMMON_ARGS,
    ...DRY_RUN_ARG,
  },
  async run({ args, rawArgs }) {
    const body: NameRecordsInput = {
      owner: args.owner as Address,
      texts: keyValuePairs(repeatedFlag(rawArgs, "text"), "text"),
      addresses: keyValuePairs(repeatedFlag(rawArgs, "addr"), "addr") as Record<string, Hex>,
      contenthash: args.contenthash ?? null,
      dm3Profile: args.profile ? readSignedProfile(args.profile) : null,
    };
    const view = await writeOrDryRun(args["dry-run"], { method: "PUT", path: `/v1/names/${args.name}`, body }, () =>
      registryClient(args).putName(args.name, body),
    );
    if (view) output(Boolean(args.json), view, () => `set ${view.name} (owner ${view.owner})`);
  },
});

const get = defineCommand({
  meta: { name: "get", description: "Show a name and its records" },
  args: { name: { type: "positional", required: true, description: "Name" }, ...COMMON_ARGS },
  async run({ args }) {
    const view = await registryClient(args).getName(args.name);
    output(Boolean(args.json), view, () =>
      [
        `${view.name}\towner ${view.owner}`,
        ...Object.entries(view.texts).map(([key, value]) => `  text ${key}\t${value}`),
        ...Object.entries(view.addresses).map(([coin, address]) => `  addr ${coin}\t${address}`),
        ...(view.contenthash ? [`  contenthash\t${view.contenthash}`] : []),
        `  dm3 profile\t${view.dm3Profile ? "yes (verified)" : "none"}`,
      ].join("\n"),
    );
  },
});

const remove = defineCommand({
  meta: { name: "delete", description: "Delete a name and its records" },
  args: { name: { type: "positional", required: true, description: "Name" }, ...COMMON_ARGS, ...DRY_RUN_ARG },
  async run({ args }) {
    const result = await writeOrDryRun(args["dry-run"], { method: "DELETE", path: `/v1/names/${args.name}` }, () => registryClient(args).deleteName(args.name));
    if (result) output(Boolean(args.json), result, () => `deleted ${args.name}`);
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List a domain's names (by prefix or owner), following the cursor" },
  args: {
    domain: { type: "positional", required: true, description: "Domain" },
    prefix: { type: "string", description: "Name prefix" },
    owner: { type: "string", description: "Owner address" },
    limit: { type: "string", description: "Stop after this many names (default: all)" },
    ...COMMON_ARGS,
  },
  async run({ args }) {
    const registry = registryClient(args);
    const max = args.limit === undefined ? Number.POSITIVE_INFINITY : Number(args.limit);
    if (!(max > 0)) throw new UsageError("--limit takes a positive number");
    const items: { name: string; owner: string }[] = [];
    let cursor: string | null = null;
    do {
      const page = await registry.listNames(args.domain, {
        limit: Math.min(NAME_LIMITS.maxPageSize, max - items.length),
        ...(args.prefix && { prefix: args.prefix }),
        ...(args.owner && { owner: args.owner as Address }),
        ...(cursor && { cursor }),
      });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < max);
    output(Boolean(args.json), { items }, () => items.map((item) => `${item.name}\t${item.owner}`).join("\n"));
  },
});

function readSignedProfile(file: string): SignedUserProfile {
  const parsed = JSON.parse(readFileSync(file, "utf8")) as { signedUserProfile?: SignedUserProfile } & SignedUserProfile;
  return parsed.signedUserProfile ?? parsed;
}

/** `name set|get|delete|list`. */
export default defineCommand({ meta: { name: "name", description: "Manage names and records" }, subCommands: { set, get, delete: remove, list } });
