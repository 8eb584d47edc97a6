/**
 * The SDK against a real stack, and against dm3's own libraries: the copyable example program
 * (`examples/gateway-service.ts`) registers a domain, a key and a user, receives a webhook and
 * verifies it, sends to a DM3 user and reads the reply. The DM3 user on the other side is played
 * by `@dm3-org/dm3-lib-messaging` 1.7.1, so what the SDK sends dm3 reads, and what dm3 sends the
 * SDK reads. The package itself is packed and imported like a dependency.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import * as dm3Crypto from "@dm3-org/dm3-lib-crypto";
import { buildEnvelop, checkMessageSignature, createMessage, decryptEnvelop } from "@dm3-org/dm3-lib-messaging";
import { createPublicClient, createWalletClient, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { namehash } from "viem/ens";
import {
  createDeliveryServiceSession,
  createRegistryClient,
  RegistryApiError,
  resolveDeliveryService,
  resolveDm3Profile,
  resolveRecord,
  signWebhook,
  verifyWebhook,
} from "../../sdk/src/index";
import { ensRegistryAbi } from "../../worker/src/abi";
import { connectChain } from "../../scripts/lib/chain";
import { binPath, projectRoot } from "../../scripts/lib/paths";
import { PLAYGROUND_DOMAIN, PLAYGROUND_OWNER_KEY } from "../../scripts/stack/deployContracts";
import { ensureDevSecrets } from "../../scripts/stack/devVars";
import { findFreePort } from "../../scripts/stack/processes";
import { type Stack, startStack } from "../../scripts/stack/startStack";

const run = promisify(execFile);
let stack: Stack;
let stateDir: string;

before(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), "dm3-sdk-"));
  stack = await startStack({ rpcPort: await findFreePort(), workerPort: await findFreePort(), inspectorPort: await findFreePort(), stateDir });
  // acme.eth's owner points it at the stack's resolver (README "Registry API" does the same with the CLI).
  const owner = await connectChain({ rpcUrl: stack.info.rpcUrl, privateKey: PLAYGROUND_OWNER_KEY });
  await owner.write(stack.info.ensRegistry, ensRegistryAbi, "setResolver", [namehash(PLAYGROUND_DOMAIN), stack.info.resolver]);
});

after(async () => {
  await stack?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const ens = () => ({ client: createPublicClient({ chain: hardhat, transport: http(stack.info.rpcUrl) }), registry: stack.info.ensRegistry });

/** Resolves when `child` prints a line matching `pattern` (rejects if it exits first). */
function waitForLine(child: ChildProcess, output: { text: string }, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output.text}`)), timeoutMs);
    const check = () => {
      const match = pattern.exec(output.text);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      check();
      clearTimeout(timer);
      reject(new Error(`the example exited (${code}) before ${pattern}:\n${output.text}`));
    });
  });
}

describe("the SDK", () => {
  it("runs the example service end to end: dm3's own libraries read what it sends and it reads their reply", async () => {
    const { adminToken } = await ensureDevSecrets();
    const alice = stack.demoUsers[0]!;
    const output = { text: "" };
    const example = spawn(binPath("tsx"), ["--conditions=dm3-registry-source", "examples/gateway-service.ts"], {
      cwd: projectRoot,
      env: {
        ...process.env,
        DM3_REGISTRY_URL: stack.info.gatewayUrl,
        DM3_ADMIN_TOKEN: adminToken,
        RPC_URL: stack.info.rpcUrl,
        ENS_REGISTRY: stack.info.ensRegistry,
        SERVICE_DOMAIN: PLAYGROUND_DOMAIN,
        RESOLVER: stack.info.resolver,
        CHAIN_ID: String(stack.info.chainId),
        DELIVERY_SERVICE: "ds.demo.eth",
        SEND_TO: alice.name,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    example.stdout.on("data", (chunk: Buffer) => (output.text += chunk.toString()));
    example.stderr.on("data", (chunk: Buffer) => (output.text += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => example.once("exit", resolve));
    try {
      const [, bobName] = (await waitForLine(example, output, /registered (\S+)/)) as RegExpMatchArray;
      // Sent through the relay's outbound queue; the outcome comes back as a signed webhook report.
      const [, outboundId] = (await waitForLine(
        example,
        output,
        /queued (0x[0-9a-f]{64}) for alice\.demo\.eth \(delivery services: ds\.demo\.eth\)/,
      )) as RegExpMatchArray;
      await waitForLine(example, output, new RegExp(`webhook: message ${outboundId} to alice\\.demo\\.eth delivered`));

      // Alice's side, with dm3's libraries: pick up (SDK session), open and check with dm3-lib-messaging.
      const inbox = await createDeliveryServiceSession({ url: stack.info.gatewayUrl, name: alice.name, signingKey: alice.dm3.signing.privateKey });
      const envelopes = await inbox.pickUp();
      const fromBob = envelopes.find((envelope) => envelope.metadata.deliveryInformation.from === bobName);
      assert.ok(fromBob, `alice's inbox has bob's message: ${JSON.stringify(envelopes.map((e) => e.metadata.deliveryInformation))}`);
      const aliceKeys = { signingKeyPair: alice.dm3.signing, encryptionKeyPair: alice.dm3.encryption, storageEncryptionKey: "", storageEncryptionNonce: 0 };
      const opened = (await decryptEnvelop(fromBob as never, aliceKeys.encryptionKeyPair)) as unknown as {
        message: { message: string; metadata: { from: string } };
      };
      assert.equal(opened.message.message, "hello from the gateway example");
      const bobProfile = await resolveDm3Profile(ens(), bobName!);
      assert.ok(bobProfile, "bob's profile resolves through the chain");
      assert.equal(await checkMessageSignature(opened.message as never, bobProfile.profile.publicSigningKey, bobName!), true);
      assert.equal(await inbox.acknowledge([fromBob]), 1);

      // Alice answers with dm3-lib-messaging; the reply reaches the service's webhook.
      const ds = await resolveDeliveryService(ens(), "ds.demo.eth");
      assert.ok(ds);
      const reply = await createMessage(bobName!, alice.name, "hi bob, from dm3's own libraries", alice.dm3.signing.privateKey);
      const { encryptedEnvelop } = await buildEnvelop(reply, dm3Crypto.encryptAsymmetric, {
        to: { ensName: bobName!, profile: bobProfile.profile },
        from: { ensName: alice.name },
        deliverServiceProfile: ds,
        keys: aliceKeys as never,
      } as never);
      const submitted = await fetch(`${ds.url}/rpc`, {
        method: "POST",
        body: JSON.stringify({ jsonrpc: "2.0", method: "dm3_submitMessage", params: [JSON.stringify(encryptedEnvelop)], id: 1 }),
      });
      assert.equal(submitted.status, 200);
      assert.equal(await exited, 0, output.text);
      assert.match(output.text, /webhook: \S+ got "hi bob, from dm3's own libraries" from alice\.demo\.eth \(signature valid\)/);
      assert.match(output.text, /reply: hi bob, from dm3's own libraries/);
    } finally {
      example.kill();
    }
  });

  it("the registry client speaks every error as RegistryApiError with the worker's code", async () => {
    const anonymous = createRegistryClient({ url: stack.info.gatewayUrl });
    await assert.rejects(
      anonymous.putName("x.demo.eth", { owner: alice().address }),
      (error: unknown) => error instanceof RegistryApiError && error.status === 401 && error.code === "unauthorized",
    );
    await assert.rejects(anonymous.getName("nobody.demo.eth"), (error: unknown) => error instanceof RegistryApiError && error.code === "name_not_found");
    const view = await anonymous.getName(alice().name);
    assert.equal(view.owner, alice().address);
    const nonce = await anonymous.nonce(alice().name);
    assert.equal(nonce.typedData.domain.verifyingContract, stack.info.resolver);
  });

  it("owner-signed writes work with a viem wallet client as well as an account, and the nonce moves on", async () => {
    const owner = privateKeyToAccount(generatePrivateKey());
    const name = `${owner.address.toLowerCase()}.${stack.info.domain}`;
    const registry = createRegistryClient({ url: stack.info.gatewayUrl });
    const wallet = createWalletClient({ account: owner, chain: hardhat, transport: http(stack.info.rpcUrl) });
    await registry.signedWrite(name, wallet, { action: "put", records: { owner: owner.address, texts: { via: "wallet client" } } });
    await registry.signedWrite(name, owner, { action: "put", records: { owner: owner.address, texts: { via: "account" } } });
    assert.deepEqual((await registry.getName(name)).texts, { via: "account" });
    assert.equal((await registry.nonce(name)).nonce, 2);
    await assert.rejects(
      registry.signedWrite(name, privateKeyToAccount(generatePrivateKey()), { action: "delete" }),
      (error: unknown) => error instanceof RegistryApiError && error.status === 403,
    );
  });

  it("ENS resolution names a missing resolver with a coded error, and a DM3 user with no profile as undefined", async () => {
    await assert.rejects(resolveRecord(ens().client, ens().registry, "nobody.unregistered-tld", { kind: "addr" }), (error: unknown) => {
      return (
        error instanceof Error &&
        (error as { code?: string }).code === "ens_no_resolver" &&
        /No resolver is set for nobody\.unregistered-tld/.test(error.message)
      );
    });
    assert.equal(await resolveDm3Profile(ens(), "nobody.demo.eth"), undefined);
  });

  it("verifyWebhook accepts the registry's signature within the tolerance and nothing else, saying why", async () => {
    const body = JSON.stringify({ id: "1", recipient: "bob.acme.eth" });
    const nowMs = 1_764_835_200_000;
    const timestamp = String(nowMs / 1000 - 10);
    const signature = await signWebhook("s3cret", body, Number(timestamp));
    assert.deepEqual(await verifyWebhook({ secret: "s3cret", body, signature, timestamp, nowMs }), { valid: true, timestampSeconds: Number(timestamp) });
    for (const [secret, text, header, stamp, reason] of [
      ["other", body, signature, timestamp, "bad_signature"],
      ["s3cret", `${body} `, signature, timestamp, "bad_signature"],
      // The timestamp is signed: moving it forward to pass the age check breaks the signature.
      ["s3cret", body, signature, String(nowMs / 1000), "bad_signature"],
      ["s3cret", body, signature.replace("sha256=", "sha1="), timestamp, "bad_signature"],
      ["s3cret", body, `${signature.slice(0, -2)}00`, timestamp, "bad_signature"],
      ["s3cret", body, undefined, timestamp, "bad_signature"],
      ["s3cret", body, "sha256=zz", timestamp, "bad_signature"],
      ["s3cret", body, signature, undefined, "missing_timestamp"],
      ["s3cret", body, signature, "yesterday", "missing_timestamp"],
    ] as const) {
      const check = await verifyWebhook({ secret, body: text, signature: header, timestamp: stamp, nowMs });
      assert.equal(check.valid === false && check.reason, reason, `${secret} ${header} ${stamp}`);
    }
    // A captured delivery replayed after the tolerance (5 minutes by default) is refused, and says so.
    const replayed = await verifyWebhook({ secret: "s3cret", body, signature, timestamp, nowMs: nowMs + 6 * 60_000 });
    assert.equal(replayed.valid === false && replayed.reason, "too_old");
    assert.match(replayed.valid === false ? replayed.message : "", /sent 370 s ago, more than the 300 s tolerated/);
    assert.equal((await verifyWebhook({ secret: "s3cret", body, signature, timestamp, nowMs: nowMs + 6 * 60_000, toleranceSeconds: 600 })).valid, true);
    const early = await verifyWebhook({ secret: "s3cret", body, signature, timestamp, nowMs: nowMs - 10 * 60_000 });
    assert.equal(early.valid === false && early.reason, "from_the_future");
  });

  it("the worker's OpenAPI document (generated from its routes) passes Redocly's recommended rules with no error or warning", async () => {
    const document = await createRegistryClient({ url: stack.info.gatewayUrl }).openApiDocument();
    const file = path.join(stateDir, "openapi.json");
    await writeFile(file, JSON.stringify(document));
    const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };
    const linted = await run(binPath("redocly"), ["lint", file, "--config", path.join(projectRoot, "redocly.yaml"), "--format", "stylish"], {
      cwd: stateDir,
      env,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      assert.fail(`redocly lint failed:\n${error.stdout ?? ""}\n${error.stderr ?? ""}`);
    });
    const output = `${linted.stdout}\n${linted.stderr}`;
    assert.match(output, /valid/i, output);
    assert.doesNotMatch(output, /warning/i, output);
  });

  it("packs as an npm package that a plain ESM project imports, with its type declarations", async () => {
    await run("npm", ["run", "-s", "build:sdk"], { cwd: projectRoot });
    const packDir = await mkdtemp(path.join(tmpdir(), "dm3-sdk-pack-"));
    try {
      const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", packDir], { cwd: path.join(projectRoot, "sdk") });
      const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
      const files = packed!.files.map((file) => file.path);
      assert.ok(files.includes("dist/index.js") && files.includes("dist/types/sdk/src/index.d.ts"), files.join(", "));
      assert.ok(!files.some((file) => file.startsWith("src/")), "sources stay out of the package");
      const consumer = path.join(packDir, "consumer");
      await run("mkdir", ["-p", consumer]);
      await writeFile(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", type: "module", private: true }));
      await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", path.join(packDir, packed!.filename)], {
        cwd: consumer,
        maxBuffer: 16 * 1024 * 1024,
      });
      const script = `import { verifyWebhook, signWebhook, createRegistryClient, stringify } from "@dm3-registry/sdk";
const signature = await signWebhook("k", "body", 1764835200);
const client = createRegistryClient({ url: ${JSON.stringify(stack.info.gatewayUrl)} });
console.log(JSON.stringify({ ok: (await verifyWebhook({ secret: "k", body: "body", signature, timestamp: "1764835200", nowMs: 1764835200000 })).valid, canonical: stringify({ b: 1, a: 2 }), health: (await client.health()).status }));`;
      await writeFile(path.join(consumer, "check.mjs"), script);
      const result = JSON.parse((await run("node", ["check.mjs"], { cwd: consumer })).stdout) as { ok: boolean; canonical: string; health: string };
      assert.deepEqual(result, { ok: true, canonical: '{"a":2,"b":1}', health: "ok" });
      const types = await readFile(path.join(consumer, "node_modules/@dm3-registry/sdk/dist/types/sdk/src/index.d.ts"), "utf8");
      assert.match(types, /createRegistryClient/);
    } finally {
      await rm(packDir, { recursive: true, force: true });
    }
  });
});

const alice = () => stack.demoUsers[0]!;
