import { readFile } from "node:fs/promises";
import path from "node:path";
import { defineCommand } from "citty";
import { createPublicClient, http } from "viem";
import {
  addressFlag,
  addressList,
  CHAIN_ARGS,
  connectFromFlags,
  gatewayFromFlags,
  listFlag,
  MAINNET_ENS_REGISTRY,
  registryFromFlags,
} from "../lib/chainTarget";
import { checkDeployment } from "../lib/checkDeployment";
import { UsageError } from "../lib/cliErrors";
import { deployResolver, deployResolverFactory, knownFactory, writeDeploymentRecord, writeFactoryRecord } from "../lib/deployResolver";
import {
  configuredDatabaseId,
  createDatabase,
  deployLookupWorker,
  deployWorker,
  ensureQueues,
  generateMissingSecrets,
  signerAddressOf,
  WORKER_SECRETS,
} from "../lib/deployWorker";
import { LOOKUP_WORKER_SECRETS } from "../lib/lookupWorkerConfig";
import { projectRoot } from "../lib/paths";
import { setDomainResolver } from "../lib/setDomainResolver";
import { readStackFile } from "../lib/stackConfig";
import { runWrangler } from "../lib/wrangler";

const resolver = defineCommand({
  meta: { name: "resolver", description: "Deploy an OffchainResolver (key: $DEPLOYER_PRIVATE_KEY) and write a deployment record" },
  args: {
    ...CHAIN_ARGS,
    owner: { type: "string", description: "Final owner (or $RESOLVER_OWNER; default: the deployer). Another owner must call acceptOwnership()" },
    signers: { type: "string", description: "Gateway signer addresses, comma-separated (or $SIGNER_ADDRESSES)" },
    urls: { type: "string", description: "Gateway URLs, comma-separated, e.g. https://gw.example/ccip/{sender}/{data}.json (or $GATEWAY_URLS)" },
    multicall: { type: "boolean", default: true, description: "Advertise the RESOLVE_MULTICALL feature (ERC-7996); --no-multicall leaves it off" },
    out: { type: "string", description: "Directory for the deployment record (default: deployments/)" },
    factory: {
      type: "string",
      description: "Create it as a clone through this OffchainResolverFactory (default: the one deployments/factories.json knows for the chain)",
    },
    standalone: { type: "boolean", description: "Deploy a standalone contract even when a factory is known" },
    json: { type: "boolean", description: "Print the deployment record as one JSON object" },
    "dry-run": { type: "boolean", description: "Check the flags and the chain, print what would be sent, send nothing" },
  },
  async run({ args }) {
    if (args.standalone && args.factory) throw new UsageError("--standalone and --factory exclude each other");
    const signers = addressList(args.signers ?? process.env.SIGNER_ADDRESSES, "--signers");
    const urls = listFlag(args.urls ?? process.env.GATEWAY_URLS);
    if (signers.length === 0) throw new UsageError("Name at least one gateway signer: --signers 0x… (the worker's SIGNER_PRIVATE_KEY address)");
    if (urls.length === 0) throw new UsageError("Name at least one gateway URL: --urls https://…/ccip/{sender}/{data}.json");
    for (const url of urls) if (!/^https?:\/\//.test(url)) throw new UsageError(`--urls: "${url}" is not an http(s) URL`);
    const ownerText = args.owner ?? process.env.RESOLVER_OWNER;
    const owner = ownerText === undefined ? undefined : addressFlag(ownerText, "--owner");

    const chain = await connectFromFlags(args, ["DEPLOYER_PRIVATE_KEY"]);
    const out = args.out ?? path.join(projectRoot, "deployments");
    const factory = args.standalone ? undefined : args.factory ? addressFlag(args.factory, "--factory") : await knownFactory(out, chain);
    if (args["dry-run"]) {
      const plan = {
        chainId: chain.chainId,
        via: factory ? `factory ${factory}` : "standalone",
        deployer: chain.account.address,
        owner: owner ?? chain.account.address,
        signers,
        urls,
        multicallFeature: args.multicall !== false,
      };
      if (args.json) console.log(JSON.stringify({ dryRun: true, ...plan }));
      console.error(
        `dry run: would deploy OffchainResolver on chain ${plan.chainId} from ${plan.deployer} (owner ${plan.owner}, signers ${signers.join(", ")}, urls ${urls.join(" ")})`,
      );
      return;
    }
    console.error(`deploying OffchainResolver on chain ${chain.chainId} from ${chain.account.address}${factory ? ` as a clone through ${factory}` : ""}`);
    const deployment = await deployResolver(chain, {
      ...(owner && { owner }),
      ...(factory && { factory }),
      signers,
      urls,
      multicallFeature: args.multicall !== false,
    });
    const file = await writeDeploymentRecord(out, deployment);
    if (args.json) console.log(JSON.stringify({ ...deployment, record: file }));
    else console.log(deployment.address);
    console.error(`resolver ${deployment.address} (tx ${deployment.transactionHash}, ${deployment.gasUsed} gas); record ${path.relative(process.cwd(), file)}`);
    if (deployment.pendingOwner) console.error(`${deployment.pendingOwner} must call acceptOwnership() on it to become its owner`);
  },
});

const factory = defineCommand({
  meta: {
    name: "factory",
    description:
      "Deploy the OffchainResolverFactory (once per chain; key: $DEPLOYER_PRIVATE_KEY): `deploy resolver` then makes clones for a fraction of the gas",
  },
  args: {
    ...CHAIN_ARGS,
    out: { type: "string", description: "Directory of deployments/factories.json (default: deployments/)" },
    json: { type: "boolean", description: "Print the record as one JSON object" },
  },
  async run({ args }) {
    const chain = await connectFromFlags(args, ["DEPLOYER_PRIVATE_KEY"]);
    console.error(`deploying the resolver implementation and OffchainResolverFactory on chain ${chain.chainId} from ${chain.account.address}`);
    const deployment = await deployResolverFactory(chain);
    const file = await writeFactoryRecord(args.out ?? path.join(projectRoot, "deployments"), deployment);
    if (args.json) console.log(JSON.stringify({ ...deployment, record: file }));
    else console.log(deployment.factory);
    console.error(`factory ${deployment.factory} (implementation ${deployment.implementation}); recorded in ${path.relative(process.cwd(), file)}`);
  },
});

const setResolver = defineCommand({
  meta: { name: "set-resolver", description: "Set a domain's resolver in the ENS registry (key: $DOMAIN_OWNER_PRIVATE_KEY)" },
  args: {
    domain: { type: "positional", required: true, description: "The service's parent name, e.g. acme.eth" },
    resolver: { type: "string", required: true, description: "The OffchainResolver address" },
    registry: { type: "string", description: `ENS registry (or $ENS_REGISTRY; default: the local stack's, else mainnet ${MAINNET_ENS_REGISTRY})` },
    ...CHAIN_ARGS,
    "dry-run": { type: "boolean", description: "Check the flags and the chain, print what would be sent, send nothing" },
  },
  async run({ args }) {
    const resolverAddress = addressFlag(args.resolver, "--resolver");
    const registry = registryFromFlags(args.registry, args.rpc);
    const chain = await connectFromFlags(args, ["DOMAIN_OWNER_PRIVATE_KEY", "DEPLOYER_PRIVATE_KEY"]);
    if (args["dry-run"]) {
      console.error(
        `dry run: would set the resolver of ${args.domain} to ${resolverAddress} in registry ${registry} on chain ${chain.chainId}, from ${chain.account.address}`,
      );
      return;
    }
    const result = await setDomainResolver(chain, { registry, domain: args.domain, resolver: resolverAddress });
    console.error(`${args.domain} now resolves through ${resolverAddress} (set via the ${result.via}, tx ${result.transactionHash})`);
  },
});

const worker = defineCommand({
  meta: { name: "worker", description: "Create the D1 (first time), apply migrations, upload secrets and deploy the worker" },
  args: {
    "generate-secrets": { type: "boolean", description: "Generate the secrets not set in the environment (the admin token is printed once)" },
    "dry-run": { type: "boolean", description: "Only build the bundle (wrangler deploy --dry-run); change nothing" },
    "lookup-worker": {
      type: "boolean",
      description: `Also deploy the lookup-only Worker (<name>-lookup; route <host>/ccip* to it); needs ${LOOKUP_WORKER_SECRETS.join(", ")} in the environment`,
    },
  },
  async run({ args }) {
    // The relay's record is signed and served to everyone: its URL must be configured, not guessed.
    const config = await readFile(path.join(projectRoot, "wrangler.toml"), "utf8");
    const dsName = /^DS_NAME\s*=\s*"([^"]*)"/m.exec(config)?.[1] ?? "";
    const dsUrl = /^DS_URL\s*=\s*"([^"]*)"/m.exec(config)?.[1] ?? "";
    // Every database that holds names is migrated like DB (wrangler.toml's NAME_DATABASES).
    const nameDatabases = (/^NAME_DATABASES\s*=\s*"([^"]*)"/m.exec(config)?.[1] ?? "")
      .split(",")
      .map((binding) => binding.trim())
      .filter((binding) => binding && binding !== "DB");
    const migrated = ["DB", ...nameDatabases];
    const relayProblem = dsName && !dsUrl ? `wrangler.toml sets DS_NAME = "${dsName}" but no DS_URL: set DS_URL to the worker's public URL` : undefined;
    if (relayProblem && !args["dry-run"]) throw new UsageError(relayProblem);
    if (relayProblem) console.error(`note: ${relayProblem} before deploying (the relay answers 500 misconfigured without it)`);
    const present = Object.fromEntries(WORKER_SECRETS.flatMap((name) => (process.env[name] ? [[name, process.env[name] as string]] : [])));
    if (args["dry-run"]) {
      const databaseId = await configuredDatabaseId();
      console.error(databaseId ? `D1: ${databaseId}` : "D1: would run `wrangler d1 create` and write its id into wrangler.toml");
      for (const binding of migrated) console.error(`would run \`wrangler d1 migrations apply ${binding} --remote\``);
      console.error(`secrets from the environment: ${Object.keys(present).join(", ") || "none"}`);
      await deployWorker({}, { dryRun: true });
      if (args["lookup-worker"]) await deployLookupWorker({}, { dryRun: true });
      console.error(`bundle${args["lookup-worker"] ? "s" : ""} built (wrangler deploy --dry-run)`);
      return;
    }
    const generated = args["generate-secrets"] ? generateMissingSecrets(present) : {};
    const secrets = { ...present, ...generated };
    const lookupMissing = LOOKUP_WORKER_SECRETS.filter((name) => !secrets[name]);
    if (args["lookup-worker"] && lookupMissing.length > 0) {
      // A deployed secret cannot be read back: the lookup worker can only get the values from here.
      throw new UsageError(
        `--lookup-worker needs ${lookupMissing.join(", ")} in the environment: the main worker's values (a Worker's secrets cannot be read back)`,
      );
    }
    const missing = WORKER_SECRETS.filter((name) => !secrets[name]);
    if (missing.length > 0) console.error(`not uploading ${missing.join(", ")}: the deployed values stay (set them, or pass --generate-secrets)`);

    const databaseId = (await configuredDatabaseId()) ?? (await createDatabase());
    console.error(`D1 ${databaseId}; applying migrations`);
    for (const binding of migrated) await runWrangler(["d1", "migrations", "apply", binding, "--remote"]);
    const createdQueues = await ensureQueues();
    if (createdQueues.length > 0) console.error(`created queues ${createdQueues.join(", ")}`);
    const output = await deployWorker(secrets, { dryRun: false });
    const url = /https:\/\/\S+\.workers\.dev/.exec(output)?.[0];
    console.error(`deployed${url ? ` at ${url}` : ""}`);
    if (args["lookup-worker"]) {
      const lookupUrl = /https:\/\/\S+\.workers\.dev/.exec(await deployLookupWorker(secrets, { dryRun: false }))?.[0];
      console.error(
        `lookup worker deployed${lookupUrl ? ` at ${lookupUrl}` : ""}: route <your host>/ccip* to it (docs/gateway.md), or list its URL in the resolver`,
      );
    }
    if (secrets.SIGNER_PRIVATE_KEY) console.error(`gateway signer address (list it in the resolver): ${signerAddressOf(secrets.SIGNER_PRIVATE_KEY)}`);
    // The admin token exists nowhere else now: show it exactly once. Generated keys stay in the
    // worker only (replace them by rotation, never by copying them around).
    if (generated.ADMIN_TOKEN) console.log(`ADMIN_TOKEN=${generated.ADMIN_TOKEN}`);
  },
});

const check = defineCommand({
  meta: { name: "check", description: "Check a domain end to end: registry → resolver → signer and URL → worker → a verified lookup" },
  args: {
    domain: { type: "positional", required: true, description: "The service's parent name, e.g. acme.eth" },
    gateway: { type: "string", description: "The worker's URL (or $GATEWAY_URL; default: the local stack's)" },
    registry: { type: "string", description: `ENS registry (or $ENS_REGISTRY; default: the local stack's, else ${MAINNET_ENS_REGISTRY})` },
    rpc: CHAIN_ARGS.rpc,
    json: { type: "boolean", description: "Print one JSON object" },
  },
  async run({ args }) {
    const stack = readStackFile();
    const rpcUrl = args.rpc ?? process.env.RPC_URL ?? stack.rpcUrl;
    if (!rpcUrl) throw new UsageError("No chain to talk to: pass --rpc (or set $RPC_URL), or run `npm start`");
    const gatewayUrl = gatewayFromFlags(args.gateway);
    const registry = registryFromFlags(args.registry, rpcUrl);
    const client = createPublicClient({ transport: http(rpcUrl) });
    const checks = await checkDeployment({ client, registry, domain: args.domain, gatewayUrl });
    if (args.json) console.log(JSON.stringify({ domain: args.domain, ok: checks.every((item) => item.ok), checks }));
    else for (const item of checks) console.log(`${item.ok ? "ok  " : "FAIL"} ${item.what}: ${item.detail}`);
    if (!checks.every((item) => item.ok)) process.exitCode = 1;
  },
});

/** `deploy factory|resolver|set-resolver|worker|check`. */
export default defineCommand({
  meta: { name: "deploy", description: "Deploy to a real network (see README: Deployment runbook)" },
  subCommands: { factory, resolver, "set-resolver": setResolver, worker, check },
});
