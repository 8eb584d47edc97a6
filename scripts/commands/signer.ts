import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { defineCommand } from "citty";
import type { Hex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { resolverAdminAbi } from "../../worker/src/abi";
import { privateKeyFromEnv } from "../lib/chain";
import { addressFlag, addressList, CHAIN_ARGS, connectFromFlags, gatewayFromFlags } from "../lib/chainTarget";
import { UsageError } from "../lib/cliErrors";
import { lookupWorkerNameOf, mainWorkerName } from "../lib/lookupWorkerConfig";
import { rotateSigner } from "../lib/rotateSigner";
import { stackFile } from "../lib/paths";
import { readStackFile } from "../lib/stackConfig";
import { putLocalSecret, putRemoteSecret } from "../lib/workerSecrets";

const OWNER_KEYS = ["RESOLVER_OWNER_PRIVATE_KEY", "DEPLOYER_PRIVATE_KEY"];

const RESOLVER_ARG = { resolver: { type: "string", description: "The OffchainResolver (default: the local stack's)" } } as const;
const DRY_RUN_ARG = { "dry-run": { type: "boolean", description: "Check the flags and the chain, print what would be sent, send nothing" } } as const;
const resolverOf = (flag: string | undefined) => addressFlag(flag ?? readStackFile().resolver, "--resolver");

const list = defineCommand({
  meta: { name: "list", description: "The resolver's signers" },
  args: { ...RESOLVER_ARG, ...CHAIN_ARGS, json: { type: "boolean", description: "Print one JSON object" } },
  async run({ args }) {
    const chain = await connectFromFlags(args, OWNER_KEYS);
    const resolver = resolverOf(args.resolver);
    const signers = await chain.publicClient.readContract({ address: resolver, abi: resolverAdminAbi, functionName: "signers" });
    if (args.json) console.log(JSON.stringify({ resolver, signers }));
    else for (const signer of signers) console.log(signer);
  },
});

const changeSigner = (functionName: "addSigner" | "removeSigner", description: string) =>
  defineCommand({
    meta: { name: functionName === "addSigner" ? "add" : "remove", description },
    args: { signer: { type: "positional", required: true, description: "Signer address" }, ...RESOLVER_ARG, ...CHAIN_ARGS, ...DRY_RUN_ARG },
    async run({ args }) {
      const chain = await connectFromFlags(args, OWNER_KEYS);
      const resolver = resolverOf(args.resolver);
      if (args["dry-run"]) {
        const signers = await chain.publicClient.readContract({ address: resolver, abi: resolverAdminAbi, functionName: "signers" });
        console.error(`dry run: would call ${functionName}(${args.signer}) on ${resolver} from ${chain.account.address} (signers now: ${signers.join(", ")})`);
        return;
      }
      const receipt = await chain.write(resolver, resolverAdminAbi, functionName, [addressFlag(args.signer, "signer")]);
      console.error(`${functionName}(${args.signer}) on ${resolver}: tx ${receipt.transactionHash}`);
    },
  });

const rotate = defineCommand({
  meta: {
    name: "rotate",
    description: "Rotate the gateway key with no failed lookups: add the new signer, switch the worker, wait, remove the old one",
  },
  args: {
    ...CHAIN_ARGS,
    gateway: { type: "string", description: "The worker's URL (or $GATEWAY_URL; default: the local stack's)" },
    resolver: { type: "string", description: "Resolvers to rotate, comma-separated (default: all the worker serves on this chain)" },
    remote: { type: "boolean", description: "Switch the deployed worker (`wrangler secret put`); default for a non-local gateway" },
    "local-config": {
      type: "string",
      description: "Switch a local wrangler dev run with this wrangler.toml (its .dev.vars); default for the `npm start` stack",
    },
    "worker-name": { type: "string", description: "With --remote: the worker's name, if not the one in wrangler.toml" },
    "lookup-worker": {
      type: "boolean",
      description: "With --remote: switch the lookup-only Worker (<name>-lookup, `deploy worker --lookup-worker`) to the new key too, in the same step",
    },
    "other-chains-prepared": {
      type: "boolean",
      description: "The worker also serves resolvers on other chains, and $NEW_SIGNER_PRIVATE_KEY's address is already a signer there",
    },
    "drain-seconds": { type: "string", description: "How long to keep trusting the old key after the switch (default: signature TTL + 30 s)" },
    ...DRY_RUN_ARG,
  },
  async run({ args }) {
    const stack = readStackFile();
    const gatewayUrl = gatewayFromFlags(args.gateway);
    const localConfig = args["local-config"] ?? (!args.remote && gatewayUrl === stack.gatewayUrl ? stack.configFile : undefined);
    if (!args.remote && gatewayUrl === stack.gatewayUrl && !localConfig)
      throw new UsageError("The local stack's config is unknown: restart it with `npm start`");
    const drainText = args["drain-seconds"];
    if (drainText !== undefined && !/^\d+$/.test(drainText)) throw new UsageError(`--drain-seconds takes a whole number, not "${drainText}"`);
    // The new key goes straight into the worker; it is never printed.
    const newPrivateKey: Hex = process.env.NEW_SIGNER_PRIVATE_KEY ? privateKeyFromEnv(["NEW_SIGNER_PRIVATE_KEY"]) : generatePrivateKey();
    if (args["other-chains-prepared"] && !process.env.NEW_SIGNER_PRIVATE_KEY) {
      throw new UsageError("--other-chains-prepared needs $NEW_SIGNER_PRIVATE_KEY: the key already added on the other chains");
    }
    const workerName = args["worker-name"];

    const chain = await connectFromFlags(args, OWNER_KEYS);
    const resolvers = addressList(args.resolver, "--resolver");
    if (args["dry-run"]) {
      const where = localConfig ? `the local worker (${localConfig})` : `the deployed worker${workerName ? ` ${workerName}` : ""}`;
      const which = resolvers.length > 0 ? resolvers.join(", ") : `every resolver ${gatewayUrl} serves on chain ${chain.chainId}`;
      console.error(
        `dry run: would add a new signer to ${which}, switch ${where} to its key, wait for old answers to expire, then remove the old signer; nothing sent`,
      );
      return;
    }
    const { oldSigner, newSigner } = await rotateSigner({
      chain,
      gatewayUrl,
      ...(resolvers.length > 0 && { resolvers }),
      newPrivateKey,
      switchWorkerKey: async (key) => {
        if (localConfig) return putLocalSecret(localConfig, "SIGNER_PRIVATE_KEY", key);
        await putRemoteSecret("SIGNER_PRIVATE_KEY", key, workerName ? { workerName } : {});
        // Both workers sign lookups: the old key is removed from the resolvers only after both switched.
        if (args["lookup-worker"]) await putRemoteSecret("SIGNER_PRIVATE_KEY", key, { workerName: lookupWorkerNameOf(workerName ?? mainWorkerName()) });
      },
      ...(drainText !== undefined && { drainSeconds: Number(drainText) }),
      otherChainsPrepared: args["other-chains-prepared"] === true,
      log: (line) => console.error(line),
    });
    // Keep .dev/stack.json true for the `npm start` stack.
    if (localConfig && localConfig === stack.configFile && existsSync(stackFile)) {
      await writeFile(stackFile, `${JSON.stringify({ ...JSON.parse(await readFile(stackFile, "utf8")), signer: newSigner }, null, 2)}\n`);
    }
    console.log(JSON.stringify({ oldSigner, newSigner }));
  },
});

/** `signer list|add|remove|rotate`. */
export default defineCommand({
  meta: { name: "signer", description: "Gateway signing keys trusted by the resolver (key: $RESOLVER_OWNER_PRIVATE_KEY)" },
  subCommands: {
    list,
    add: changeSigner("addSigner", "Trust another gateway signer"),
    remove: changeSigner("removeSigner", "Stop trusting a gateway signer"),
    rotate,
  },
});
