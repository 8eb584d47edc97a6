/**
 * Operating a deployment, end to end through the CLI: deploy a resolver to a chain from flags and
 * environment, point a domain at it, and rotate the gateway's signing key while lookups run —
 * none may fail. The stack runs with a 30 s signature TTL so the rotation's drain is short.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { type Address, createPublicClient, decodeAbiParameters, encodeAbiParameters, encodeFunctionData, type Hex, http, labelhash, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { namehash, packetToBytes } from "viem/ens";
import { ensRegistryAbi, offchainResolverAbi, RESOLVE_MULTICALL_FEATURE, recordResolverAbi, resolverAdminAbi } from "../../worker/src/abi";
import { encodeResolveResponse } from "../../worker/src/protocol/ccip/encodeResolveResponse";
import { binPath, projectRoot } from "../../scripts/lib/paths";
import { connectChain } from "../../scripts/lib/chain";
import { createRegistryClient, resolveRecord } from "../../sdk/src/index";
import { LOCAL_DEPLOYER_KEY, localChain } from "../../scripts/stack/deployContracts";
import { ensureDevSecrets } from "../../scripts/stack/devVars";
import { findFreePort } from "../../scripts/stack/processes";
import { type Stack, startStack } from "../../scripts/stack/startStack";

const run = promisify(execFile);
/** Hardhat's account #1: owns the domain the deployment test points at the new resolver. */
const DOMAIN_OWNER_KEY: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
// Short, so the rotation's drain is short; not shorter, because Hardhat's block time runs ahead of
// the wall clock when many transactions are mined in one second.
const SIGNATURE_TTL_SECONDS = 30;

let stack: Stack;
let stateDir: string;
let secretsFile: string;
let deployedResolver: Address;

before(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), "dm3-ops-"));
  secretsFile = path.join(stateDir, "worker", ".dev.vars");
  stack = await startStack({
    rpcPort: await findFreePort(),
    workerPort: await findFreePort(),
    inspectorPort: await findFreePort(),
    stateDir,
    workerDir: path.join(stateDir, "worker"),
    vars: { SIGNATURE_TTL_SECONDS: String(SIGNATURE_TTL_SECONDS) },
  });
});

after(async () => {
  await stack?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const client = () => createPublicClient({ chain: hardhat, transport: http(stack.info.rpcUrl) });

/** Runs the CLI with only `env` as credentials (no `.dev/stack.json` defaults apply to this stack). */
function cli(args: string[], env: Record<string, string>) {
  return run(binPath("tsx"), ["scripts/cli.ts", ...args], { cwd: projectRoot, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
}

/** `signer rotate` against this stack as the resolvers' owner, with `extra` flags. */
function rotateSigner(...extra: string[]) {
  const target = ["--rpc", stack.info.rpcUrl, "--chain-id", String(stack.info.chainId), "--gateway", stack.info.gatewayUrl];
  return cli(["signer", "rotate", ...target, "--local-config", stack.info.configFile, ...extra], { RESOLVER_OWNER_PRIVATE_KEY: LOCAL_DEPLOYER_KEY });
}

/** The SDK's registry client with this stack's admin token. */
async function admin() {
  const { adminToken } = await ensureDevSecrets(secretsFile);
  return createRegistryClient({ url: stack.info.gatewayUrl, credential: adminToken });
}

describe("deployment scripts against the local chain", () => {
  it("deploys a resolver from flags + environment and writes a deployment record", async () => {
    const out = path.join(stateDir, "deployments");
    const gateway = `${stack.info.gatewayUrl}/ccip/{sender}/{data}.json`;
    const { stdout } = await cli(
      ["deploy", "resolver", "--rpc", stack.info.rpcUrl, "--chain-id", String(stack.info.chainId), "--urls", gateway, "--out", out, "--json"],
      { DEPLOYER_PRIVATE_KEY: LOCAL_DEPLOYER_KEY, SIGNER_ADDRESSES: stack.info.signer },
    );
    const deployment = JSON.parse(stdout) as {
      address: Address;
      record: string;
      chainId: number;
      signers: Address[];
      urls: string[];
      owner: Address;
      pendingOwner: null;
    };
    deployedResolver = deployment.address;
    assert.equal(deployment.chainId, stack.info.chainId);
    assert.deepEqual(deployment.signers, [stack.info.signer]);
    assert.deepEqual(deployment.urls, [gateway]);
    assert.equal(deployment.owner, privateKeyToAccount(LOCAL_DEPLOYER_KEY).address);
    assert.equal(deployment.pendingOwner, null);
    const { record: recordFile, ...printed } = deployment;
    assert.deepEqual(JSON.parse(await readFile(recordFile, "utf8")), printed);
    // What the record says is what the chain says.
    const onChain = await client().readContract({ address: deployment.address, abi: resolverAdminAbi, functionName: "urls" });
    assert.deepEqual(onChain, [gateway]);
    const multicall = await client().readContract({
      address: deployment.address,
      abi: offchainResolverAbi,
      functionName: "supportsFeature",
      args: [RESOLVE_MULTICALL_FEATURE],
    });
    assert.equal(multicall, true);
  });

  it("offers ownership to another owner (two-step) when one is named", async () => {
    const finalOwner = privateKeyToAccount(DOMAIN_OWNER_KEY).address;
    const { stdout } = await cli(
      [
        "deploy",
        "resolver",
        "--rpc",
        stack.info.rpcUrl,
        "--chain-id",
        String(stack.info.chainId),
        "--out",
        path.join(stateDir, "deployments"),
        "--json",
        "--no-multicall",
      ],
      {
        DEPLOYER_PRIVATE_KEY: LOCAL_DEPLOYER_KEY,
        SIGNER_ADDRESSES: stack.info.signer,
        GATEWAY_URLS: "https://a.example/{sender}/{data}.json,https://b.example/{sender}/{data}.json",
        RESOLVER_OWNER: finalOwner,
      },
    );
    const deployment = JSON.parse(stdout) as { address: Address; owner: Address; pendingOwner: Address; urls: string[]; multicallFeature: boolean };
    assert.equal(deployment.owner, privateKeyToAccount(LOCAL_DEPLOYER_KEY).address);
    assert.equal(deployment.pendingOwner, finalOwner);
    assert.equal(deployment.urls.length, 2);
    assert.equal(deployment.multicallFeature, false);
    assert.equal(
      await client().readContract({
        address: deployment.address,
        abi: offchainResolverAbi,
        functionName: "supportsFeature",
        args: [RESOLVE_MULTICALL_FEATURE],
      }),
      false,
    );
  });

  it("refuses to deploy when the RPC is not the chain named by --chain-id", async () => {
    await assert.rejects(
      cli(["deploy", "resolver", "--rpc", stack.info.rpcUrl, "--chain-id", "1", "--urls", "https://gw.example/{data}", "--signers", stack.info.signer], {
        DEPLOYER_PRIVATE_KEY: LOCAL_DEPLOYER_KEY,
      }),
      (error: { code?: number; stderr?: string }) => error.code === 2 && /is chain 31337, not the expected chain 1/.test(error.stderr ?? ""),
    );
  });

  it("sets the resolver of a domain its owner holds, and names under it resolve through it", async () => {
    // ops.eth belongs to account #1 (not the deployer).
    const domainOwner = privateKeyToAccount(DOMAIN_OWNER_KEY).address;
    const chain = await localChain(stack.info.rpcUrl);
    await chain.write(stack.info.ensRegistry, ensRegistryAbi, "setSubnodeOwner", [namehash("eth"), labelhash("ops"), domainOwner]);
    const chainFlags = ["--rpc", stack.info.rpcUrl, "--chain-id", String(stack.info.chainId), "--registry", stack.info.ensRegistry];

    // Not a resolver: refused before any transaction.
    await assert.rejects(
      cli(["deploy", "set-resolver", "ops.eth", "--resolver", stack.info.ensRegistry, ...chainFlags], { DOMAIN_OWNER_PRIVATE_KEY: DOMAIN_OWNER_KEY }),
      (error: { code?: number; stderr?: string }) => error.code === 2 && /not an ENSIP-10 extended resolver/.test(error.stderr ?? ""),
    );
    // Not the owner: refused.
    await assert.rejects(
      cli(["deploy", "set-resolver", "ops.eth", "--resolver", deployedResolver, ...chainFlags], { DOMAIN_OWNER_PRIVATE_KEY: LOCAL_DEPLOYER_KEY }),
      (error: { code?: number; stderr?: string }) => error.code === 2 && /is owned by/.test(error.stderr ?? ""),
    );
    await cli(["deploy", "set-resolver", "ops.eth", "--resolver", deployedResolver, ...chainFlags], { DOMAIN_OWNER_PRIVATE_KEY: DOMAIN_OWNER_KEY });
    assert.equal(
      await client().readContract({ address: stack.info.ensRegistry, abi: ensRegistryAbi, functionName: "resolver", args: [namehash("ops.eth")] }),
      deployedResolver,
    );

    await (await admin()).putDomain("ops.eth", { resolverAddress: deployedResolver, chainId: stack.info.chainId });
    await (await admin()).putName("carol.ops.eth", { owner: domainOwner, texts: { url: "https://carol.example" } });
    assert.equal(await resolveRecord(client(), stack.info.ensRegistry, "carol.ops.eth", { kind: "text", key: "url" }), "https://carol.example");
  });

  it("deploys the factory once, then a service's resolver as a clone for under 250,000 gas, which serves names like a standalone one", async () => {
    const out = path.join(stateDir, "factory-deployments");
    const chainFlags = ["--rpc", stack.info.rpcUrl, "--chain-id", String(stack.info.chainId), "--out", out, "--json"];
    const factory = JSON.parse((await cli(["deploy", "factory", ...chainFlags], { DEPLOYER_PRIVATE_KEY: LOCAL_DEPLOYER_KEY })).stdout) as {
      factory: Address;
      record: string;
    };
    assert.match(await readFile(factory.record, "utf8"), new RegExp(factory.factory));
    const gateway = `${stack.info.gatewayUrl}/ccip/{sender}/{data}.json`;
    // The recorded factory is used without being named.
    const { stdout } = await cli(["deploy", "resolver", ...chainFlags, "--urls", gateway], {
      DEPLOYER_PRIVATE_KEY: LOCAL_DEPLOYER_KEY,
      SIGNER_ADDRESSES: stack.info.signer,
    });
    const clone = JSON.parse(stdout) as { address: Address; via: string; factory: Address; gasUsed: string; urls: string[]; multicallFeature: boolean };
    assert.equal(clone.via, "factory");
    assert.equal(clone.factory, factory.factory);
    assert.ok(Number(clone.gasUsed) <= 250_000, `clone cost ${clone.gasUsed} gas`);
    assert.deepEqual(clone.urls, [gateway]);
    assert.equal(
      await client().readContract({ address: clone.address, abi: offchainResolverAbi, functionName: "supportsFeature", args: [RESOLVE_MULTICALL_FEATURE] }),
      true,
    );
    const standalone = JSON.parse(
      (
        await cli(["deploy", "resolver", ...chainFlags, "--urls", gateway, "--standalone"], {
          DEPLOYER_PRIVATE_KEY: LOCAL_DEPLOYER_KEY,
          SIGNER_ADDRESSES: stack.info.signer,
        })
      ).stdout,
    ) as { via: string; gasUsed: string };
    assert.equal(standalone.via, "standalone");
    assert.ok(Number(standalone.gasUsed) > 4 * Number(clone.gasUsed));

    // Names under a domain pointed at the clone resolve through it, verified on chain.
    const chain = await localChain(stack.info.rpcUrl);
    await chain.assignResolver(stack.info.ensRegistry, "clone.eth", clone.address);
    await (await admin()).putDomain("clone.eth", { resolverAddress: clone.address, chainId: stack.info.chainId });
    await (await admin()).putName("dan.clone.eth", { owner: privateKeyToAccount(DOMAIN_OWNER_KEY).address, texts: { url: "https://dan.example" } });
    assert.equal(await resolveRecord(client(), stack.info.ensRegistry, "dan.clone.eth", { kind: "text", key: "url" }), "https://dan.example");
  });

  it("checks a domain end to end: all green when wired up, and names what is wrong when not", async () => {
    type Report = { ok: boolean; checks: { ok: boolean; what: string; detail: string }[] };
    const flags = ["--rpc", stack.info.rpcUrl, "--registry", stack.info.ensRegistry, "--gateway", stack.info.gatewayUrl, "--json"];
    const good = JSON.parse((await cli(["deploy", "check", "ops.eth", ...flags], {})).stdout) as Report;
    assert.equal(good.ok, true, JSON.stringify(good.checks));
    assert.equal(good.checks.length, 7);

    // A resolver that trusts someone else's key, for a domain the worker does not serve.
    const chain = await localChain(stack.info.rpcUrl);
    const stranger = privateKeyToAccount(DOMAIN_OWNER_KEY).address;
    const wrong = await chain.deployResolver([`${stack.info.gatewayUrl}/ccip/{sender}/{data}.json`], stranger);
    await chain.assignResolver(stack.info.ensRegistry, "misconfigured.eth", wrong);
    const failure = await cli(["deploy", "check", "misconfigured.eth", ...flags], {}).then(
      () => assert.fail("the check passed"),
      (error: { code?: number; stdout?: string }) => ({ code: error.code, report: JSON.parse(error.stdout ?? "{}") as Report }),
    );
    assert.equal(failure.code, 1);
    assert.equal(failure.report.ok, false);
    assert.deepEqual(
      failure.report.checks.filter((item) => !item.ok).map((item) => item.what),
      ["the resolver trusts the worker's signer", "the worker serves the domain for this resolver and chain", "a subname lookup verifies on chain (CCIP-Read)"],
    );
  });

  it("guards each served domain's resolver: a lost resolver shows on /health, reaches the webhook and deploy check with the transaction that fixes it", async () => {
    // ops.eth (wired up above) in gateway mode: the service hears about its domain through its webhook.
    const events: { type: string; problem?: string; fix?: { to: string; data: string; description: string } }[] = [];
    const hook = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        events.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as (typeof events)[number]);
        response.writeHead(200).end();
      });
    });
    hook.listen(0, "127.0.0.1");
    await once(hook, "listening");
    try {
      await (await admin()).setWebhook("ops.eth", `http://127.0.0.1:${(hook.address() as { port: number }).port}/events`);
      // Each cron run is an hour after the last: the guard checks a domain at most hourly.
      let hoursAhead = 1;
      const cron = async () => {
        const time = Date.now() + hoursAhead++ * 3_600_000;
        const response = await fetch(`${stack.info.gatewayUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("*/5 * * * *")}&time=${time}`);
        assert.equal(response.status, 200);
      };
      // /health reads the findings at most every 10 s per isolate: wait for the one expected.
      const problemOnHealth = async (expected: RegExp) => {
        for (let attempt = 0; attempt < 20; attempt++) {
          const found = (await (await admin()).health()).resolverProblems.find((entry) => entry.domain === "ops.eth" && expected.test(entry.problem));
          if (found) return found;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
        return assert.fail(`/health never showed ${expected}`);
      };
      await cron();
      assert.deepEqual(
        (await (await admin()).health()).resolverProblems.filter((entry) => entry.domain === "ops.eth"),
        [],
      );

      // ENSv2-style migration: the parent's resolver cleared. Every subname stops resolving.
      const domainOwner = await connectChain({ rpcUrl: stack.info.rpcUrl, privateKey: DOMAIN_OWNER_KEY });
      await domainOwner.write(stack.info.ensRegistry, ensRegistryAbi, "setResolver", [namehash("ops.eth"), "0x0000000000000000000000000000000000000000"]);
      await cron();
      const problem = await problemOnHealth(/ops\.eth has no resolver on chain/);
      const expected = encodeFunctionData({ abi: ensRegistryAbi, functionName: "setResolver", args: [namehash("ops.eth"), deployedResolver] });
      assert.deepEqual({ to: problem.fix?.to, data: problem.fix?.data }, { to: stack.info.ensRegistry, data: expected });
      assert.match(problem.fix?.description ?? "", /npm run cli -- deploy set-resolver ops\.eth --resolver 0x/);
      await waitFor(() => events.some((event) => event.type === "resolver_lost"), "the webhook hears resolver_lost");
      assert.equal(events.find((event) => event.type === "resolver_lost")?.fix?.data, expected);
      const flags = ["--rpc", stack.info.rpcUrl, "--registry", stack.info.ensRegistry, "--gateway", stack.info.gatewayUrl, "--json"];
      const check = await cli(["deploy", "check", "ops.eth", ...flags], {}).then(
        () => assert.fail("the check passed"),
        (error: { stdout?: string }) => JSON.parse(error.stdout ?? "{}") as { checks: { ok: boolean; what: string; detail: string }[] },
      );
      assert.match(
        check.checks.find((item) => item.what === "the registry names a resolver")?.detail ?? "",
        new RegExp(`fix: .*setResolver\\(namehash\\("ops\\.eth"\\), ${deployedResolver}\\)`),
      );

      // The exact transaction, sent by the owner, puts it right; the next run says so.
      await domainOwner.wallet.sendTransaction({ to: problem.fix?.to as Address, data: problem.fix?.data as Hex });
      await cron();
      await waitFor(() => events.some((event) => event.type === "resolver_restored"), "the webhook hears resolver_restored");
      assert.equal(await resolveRecord(client(), stack.info.ensRegistry, "carol.ops.eth", { kind: "text", key: "url" }), "https://carol.example");
      assert.equal(events.filter((event) => event.type === "resolver_lost").length, 1, "a lost resolver is told once, not every run");

      // The registry is right but ENS's Universal Resolver (ENSv2) finds nothing: still a lost resolver.
      const universal = await localChain(stack.info.rpcUrl);
      const overrideAbi = [
        { type: "function", name: "setOverride", stateMutability: "nonpayable", inputs: [{ type: "bytes32" }, { type: "address" }], outputs: [] },
      ] as const;
      await universal.write(stack.info.universalResolver, overrideAbi, "setOverride", [namehash("ops.eth"), "0x0000000000000000000000000000000000000000"]);
      await cron();
      const viaUniversal = await problemOnHealth(/Universal Resolver \(which follows ENSv2\) finds no resolver for ops\.eth/);
      assert.equal(viaUniversal.fix?.to, stack.info.ensRegistry);
      await waitFor(() => events.filter((event) => event.type === "resolver_lost").length === 2, "the webhook hears the second loss");
      await universal.write(stack.info.universalResolver, overrideAbi, "setOverride", [namehash("ops.eth"), deployedResolver]);
      await cron();
      await waitFor(() => events.filter((event) => event.type === "resolver_restored").length === 2, "and its end");
    } finally {
      await (await admin()).removeWebhook("ops.eth").catch(() => undefined);
      hook.close();
    }
  });

  it("builds the worker bundle for deployment without touching anything (deploy worker --dry-run)", async () => {
    const { stderr } = await cli(["deploy", "worker", "--dry-run"], {});
    assert.match(stderr, /would run `wrangler d1 migrations apply DB --remote`/);
    assert.match(stderr, /bundle built/);
    // With the lookup-only worker: its bundle is built from the config derived from wrangler.toml.
    const withLookupWorker = await cli(["deploy", "worker", "--dry-run", "--lookup-worker"], {});
    assert.match(withLookupWorker.stderr, /bundles built/);
    // wrangler.toml leaves DS_URL to the operator: the dry run says so, the real deploy refuses.
    assert.match(stderr, /sets DS_NAME = "ds\.demo\.eth" but no DS_URL/);
    await assert.rejects(
      cli(["deploy", "worker"], {}),
      (error: { code?: number; stderr?: string }) => error.code === 2 && /no DS_URL/.test(error.stderr ?? ""),
    );
  });
});

describe("the CLI refuses what it does not understand", () => {
  const registry = async () => ({ DM3_REGISTRY_URL: stack.info.gatewayUrl, DM3_ADMIN_TOKEN: (await ensureDevSecrets(secretsFile)).adminToken });
  const usage = (pattern: RegExp) => (error: { code?: number; stderr?: string }) => error.code === 2 && pattern.test(error.stderr ?? "");

  it("an unknown flag is a usage error naming the closest flag, and the write does not happen", async () => {
    await (await admin()).putDomain("cli.eth", { resolverAddress: stack.info.resolver, chainId: stack.info.chainId });
    await (await admin()).putName("keep.cli.eth", { owner: stack.info.signer });
    for (const flag of ["--dryrun", "--dry_run"]) {
      await assert.rejects(cli(["name", "delete", "keep.cli.eth", flag], await registry()), usage(/unknown flag .*did you mean --dry-run/));
    }
    const { stdout } = await cli(["name", "get", "keep.cli.eth", "--json"], await registry());
    assert.equal((JSON.parse(stdout) as { name: string }).name, "keep.cli.eth");
  });

  it("re-running domain add keeps the settings it was not given", async () => {
    const flags = ["--resolver", stack.info.resolver, "--chain-id", String(stack.info.chainId)];
    await cli(["domain", "add", "policy.eth", ...flags, "--allow-address-names"], await registry());
    await cli(["domain", "add", "policy.eth", ...flags], await registry());
    const listed = async () =>
      (JSON.parse((await cli(["domain", "list", "--json"], await registry())).stdout) as { items: { name: string; allowAddressNames: boolean }[] }).items.find(
        (item) => item.name === "policy.eth",
      );
    assert.equal((await listed())?.allowAddressNames, true);
    await cli(["domain", "add", "policy.eth", ...flags, "--no-allow-address-names"], await registry());
    assert.equal((await listed())?.allowAddressNames, false);
  });

  it("writes a profile with private keys to a 0600 file", async () => {
    const file = path.join(stateDir, "secret", "bob.json");
    await cli(["profile", "create", "--ds", "ds.demo.eth", "--out", file], { DM3_WALLET_PRIVATE_KEY: DOMAIN_OWNER_KEY });
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.ok((JSON.parse(await readFile(file, "utf8")) as { keys: unknown }).keys);
  });

  it("resolve with the chain down says what is unreachable and how to start it", async () => {
    await assert.rejects(
      cli(["resolve", "alice.demo.eth", "--rpc", `http://127.0.0.1:${await findFreePort()}`, "--registry", stack.info.ensRegistry], {}),
      (error: { code?: number; stderr?: string }) =>
        error.code === 1 && /cannot reach the chain's JSON-RPC at http:\/\/127\.0\.0\.1:\d+ .*npm start/.test(error.stderr ?? ""),
    );
  });

  it("signer add --dry-run sends nothing", async () => {
    const newcomer = privateKeyToAccount(DOMAIN_OWNER_KEY).address;
    const flags = ["--rpc", stack.info.rpcUrl, "--chain-id", String(stack.info.chainId), "--resolver", stack.info.resolver];
    const { stderr } = await cli(["signer", "add", newcomer, ...flags, "--dry-run"], { RESOLVER_OWNER_PRIVATE_KEY: LOCAL_DEPLOYER_KEY });
    assert.match(stderr, /dry run: would call addSigner/);
    const signers = await client().readContract({ address: stack.info.resolver, abi: resolverAdminAbi, functionName: "signers" });
    assert.equal(signers.includes(newcomer), false);
  });
});

describe("rate limits as configured in wrangler.toml", () => {
  it("answers the 61st relay challenge from one IP within a minute with 429 + Retry-After; other IPs go on", async () => {
    const limit = Number(/name = "AUTH_PER_IP_LIMITER"[^[]*?limit = (\d+)/.exec(await readFile(path.join(projectRoot, "wrangler.toml"), "utf8"))?.[1]);
    assert.equal(limit, 60);
    // Windows are aligned to the wall clock: start well inside one so all 61 land in it.
    const intoWindowMs = Date.now() % 60_000;
    if (intoWindowMs > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoWindowMs + 100));
    const challenge = (ip: string) => fetch(`${stack.info.gatewayUrl}/auth/${stack.demoUsers[0]!.name}`, { headers: { "CF-Connecting-IP": ip } });
    for (let index = 0; index < limit; index++) assert.equal((await challenge("203.0.113.7")).status, 200, `request ${index + 1}`);
    const limited = await challenge("203.0.113.7");
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("Retry-After"), "60");
    const body = (await limited.json()) as { code: string; error: string };
    assert.equal(body.code, "rate_limited");
    assert.match(body.error, /retry after 60 seconds/);
    assert.equal((await challenge("203.0.113.8")).status, 200);
  });
});

describe("key rotation", () => {
  it("rotates the gateway key on every resolver while lookups run, and none fails", async () => {
    const oldKey = (await ensureDevSecrets(secretsFile)).signerPrivateKey;
    const oldSigner = privateKeyToAccount(oldKey).address;
    const names: [string, string][] = [
      [stack.demoUsers[0]!.name, "url"],
      ["carol.ops.eth", "url"],
    ];
    const expected = new Map<string, string>();
    for (const [name, key] of names) expected.set(name, await resolveRecord(client(), stack.info.ensRegistry, name, { kind: "text", key }));

    // Two clients look up both names in a loop for the whole rotation.
    let rotating = true;
    const outcomes = { ok: 0, failures: [] as string[] };
    const lookups = Array.from({ length: 2 }, async () => {
      while (rotating) {
        for (const [name, key] of names) {
          try {
            const value = await resolveRecord(client(), stack.info.ensRegistry, name, { kind: "text", key });
            if (value === expected.get(name)) outcomes.ok++;
            else outcomes.failures.push(`${name}: got ${value}`);
          } catch (error) {
            outcomes.failures.push(`${name}: ${(error as Error).message.split("\n")[0]}`);
          }
        }
      }
    });

    let result: { oldSigner: Address; newSigner: Address };
    try {
      const { stdout } = await rotateSigner("--drain-seconds", String(SIGNATURE_TTL_SECONDS + 2));
      result = JSON.parse(stdout) as typeof result;
    } finally {
      rotating = false;
      await Promise.all(lookups);
    }

    assert.deepEqual(outcomes.failures, []);
    assert.ok(outcomes.ok >= 20, `only ${outcomes.ok} lookups ran during the rotation`);
    assert.equal(result.oldSigner, oldSigner);
    const newSigner = privateKeyToAccount((await ensureDevSecrets(secretsFile)).signerPrivateKey).address;
    assert.equal(result.newSigner, newSigner);
    for (const resolver of [stack.info.resolver, deployedResolver]) {
      assert.deepEqual(await client().readContract({ address: resolver, abi: resolverAdminAbi, functionName: "signers" }), [newSigner]);
    }
    const health = (await (await fetch(`${stack.info.gatewayUrl}/health`)).json()) as { signer: Address };
    assert.equal(health.signer, newSigner);

    // The old key is worthless now: a fresh answer re-signed with it is refused on chain.
    const name = stack.demoUsers[0]!.name;
    const request = encodeFunctionData({
      abi: offchainResolverAbi,
      functionName: "resolve",
      args: [toHex(packetToBytes(name)), encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [namehash(name), "url"] })],
    });
    const { data } = (await (await fetch(`${stack.info.gatewayUrl}/ccip/${stack.info.resolver}/${request}.json`)).json()) as { data: Hex };
    const [answer, expires] = decodeAbiParameters([{ type: "bytes" }, { type: "uint64" }, { type: "bytes" }], data);
    const extraData = encodeAbiParameters([{ type: "bytes" }, { type: "address" }], [request, stack.info.resolver]);
    const verify = (response: Hex) =>
      client().readContract({ address: stack.info.resolver, abi: offchainResolverAbi, functionName: "resolveWithProof", args: [response, extraData] });
    await verify(data);
    const signedWithOldKey = await encodeResolveResponse(privateKeyToAccount(oldKey), {
      resolver: stack.info.resolver,
      expiresSeconds: expires,
      request,
      result: answer,
    });
    await assert.rejects(verify(signedWithOldKey), /OffchainResolverInvalidSigner/);
  });

  it("refuses a rotation that leaves out a resolver the worker serves on the chain", async () => {
    await assert.rejects(
      rotateSigner("--resolver", stack.info.resolver),
      (error: { code?: number; stderr?: string }) =>
        error.code === 2 && /also serves ops\.eth → 0x[0-9a-fA-F]{40}; clone\.eth → 0x[0-9a-fA-F]{40} on this chain/.test(error.stderr ?? ""),
    );
  });

  it("refuses to rotate, before any transaction, while the worker serves a resolver on another chain", async () => {
    await (await admin()).putDomain("elsewhere.eth", { resolverAddress: deployedResolver, chainId: 10 });
    const signersBefore = await client().readContract({ address: stack.info.resolver, abi: resolverAdminAbi, functionName: "signers" });
    await assert.rejects(
      rotateSigner("--drain-seconds", "0"),
      (error: { code?: number; stderr?: string }) => error.code === 2 && /also serves elsewhere\.eth .* on chain 10/.test(error.stderr ?? ""),
    );
    assert.deepEqual(await client().readContract({ address: stack.info.resolver, abi: resolverAdminAbi, functionName: "signers" }), signersBefore);
  });
});

/** Polls `condition` for up to 30 s (deliveries and caches settle within seconds). */
async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += 250) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.fail(`timed out: ${what}`);
}
