/**
 * End to end (one stack for the whole file): a real Hardhat chain, our ENS registry and OffchainResolver, the real worker under
 * `wrangler dev` on a local D1, and viem's CCIP-Read client — the path every ENS client takes.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createPublicClient, createWalletClient, decodeAbiParameters, encodeAbiParameters, encodeFunctionData, type Hex, http, toHex, zeroAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { namehash, packetToBytes } from "viem/ens";
import { offchainResolverAbi, recordResolverAbi } from "../../worker/src/abi";
import { encodeResolveResponse } from "../../worker/src/protocol/ccip/encodeResolveResponse";
import { DM3_PROFILE_RECORD_PREFIX, DM3_PROFILE_TEXT_KEY, type SignedUserProfile, verifySignedUserProfile } from "../../worker/src/protocol/dm3/profile";
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { readFile, stat, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import * as dm3Crypto from "@dm3-org/dm3-lib-crypto";
import { buildEnvelop, createJsonRpcCallSubmitMessage, createMessage, decryptEnvelop } from "@dm3-org/dm3-lib-messaging";
import { checkUserProfileWithAddress, createProfile } from "@dm3-org/dm3-lib-profile";
import { sha256 as dm3Sha256, stringify as dm3Stringify } from "@dm3-org/dm3-lib-shared";
import { BACKUP_HEADER, BACKUP_TABLES, countRows, exportD1, restoreD1 } from "../../scripts/lib/d1Backup";
import { ensureDevSecrets } from "../../scripts/stack/devVars";
import { binPath, projectRoot } from "../../scripts/lib/paths";
import { nameWriteTypedData } from "../../worker/src/protocol/nameWriteTypedData";
import { createRegistryClient, resolveRecord } from "../../sdk/src/index";
import { LOCAL_DEPLOYER_KEY } from "../../scripts/stack/deployContracts";
import { findFreePort } from "../../scripts/stack/processes";
import { type Stack, startStack } from "../../scripts/stack/startStack";

const OWNER_ONLY_ABI = [
  { type: "function", name: "addSigner", stateMutability: "nonpayable", inputs: [{ name: "signer", type: "address" }], outputs: [] },
  { type: "function", name: "removeSigner", stateMutability: "nonpayable", inputs: [{ name: "signer", type: "address" }], outputs: [] },
] as const;

const DEMO_DS = "ds.demo.eth";
let stack: Stack;
let stateDir: string;

before(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), "dm3-e2e-"));
  stack = await startStack({
    rpcPort: await findFreePort(),
    workerPort: await findFreePort(),
    inspectorPort: await findFreePort(),
    stateDir,
  });
});

after(async () => {
  await stack?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

/** The SDK's registry client for the stack (with a credential for writes). */
const registry = (credential?: string) => createRegistryClient({ url: stack.info.gatewayUrl, credential });
const client = () => createPublicClient({ chain: hardhat, transport: http(stack.info.rpcUrl) });
const alice = () => stack.demoUsers[0]!;

describe("resolution through chain + resolver + gateway", () => {
  it("resolves alice's DM3 profile text record, signed by her wallet", async () => {
    const text = await resolveRecord(client(), stack.info.ensRegistry, alice().name, { kind: "text", key: DM3_PROFILE_TEXT_KEY });
    assert.ok(text.startsWith(DM3_PROFILE_RECORD_PREFIX), text);
    const signed = JSON.parse(text.slice(DM3_PROFILE_RECORD_PREFIX.length)) as SignedUserProfile;
    assert.equal(signed.profile.publicSigningKey, alice().dm3.signing.publicKey);
    assert.equal(signed.profile.publicEncryptionKey, alice().dm3.encryption.publicKey);
    assert.equal(await verifySignedUserProfile(signed, alice().address), true);
    // What dm3's own clients check before they trust a profile:
    assert.equal(checkUserProfileWithAddress(signed, alice().address), true);
    assert.equal(checkUserProfileWithAddress(signed, stack.info.signer), false);
  });

  it("resolves alice's address (addr and addr by coin type 60)", async () => {
    const registry = stack.info.ensRegistry;
    assert.equal(await resolveRecord(client(), registry, alice().name, { kind: "addr" }), alice().address);
    assert.equal(await resolveRecord(client(), registry, alice().name, { kind: "addr", coinType: 60n }), alice().address.toLowerCase());
  });

  it("resolves an unregistered subname (wildcard) to unset records", async () => {
    const registry = stack.info.ensRegistry;
    assert.equal(await resolveRecord(client(), registry, "nobody.demo.eth", { kind: "addr" }), zeroAddress);
    assert.equal(await resolveRecord(client(), registry, "deep.nobody.demo.eth", { kind: "text", key: "url" }), "");
  });

  it("normalizes the name the user typed before resolving", async () => {
    const address = await resolveRecord(client(), stack.info.ensRegistry, alice().name.toUpperCase(), { kind: "addr" });
    assert.equal(address, alice().address);
  });
});

describe("answers the contract must refuse", () => {
  const textCall = () => {
    const innerCall = encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [namehash(alice().name), "url"] });
    return encodeFunctionData({ abi: offchainResolverAbi, functionName: "resolve", args: [toHex(packetToBytes(alice().name)), innerCall] });
  };
  const extraData = (callData: Hex) => encodeAbiParameters([{ type: "bytes" }, { type: "address" }], [callData, stack.info.resolver]);

  it("accepts the worker's real answer and rejects the same answer re-signed by a non-signer", async () => {
    const callData = textCall();
    const response = await fetch(`${stack.info.gatewayUrl}/ccip/${stack.info.resolver}/${callData}.json`);
    const { data } = (await response.json()) as { data: Hex };
    const accepted = await client().readContract({
      address: stack.info.resolver,
      abi: offchainResolverAbi,
      functionName: "resolveWithProof",
      args: [data, extraData(callData)],
    });
    assert.equal(decodeAbiParameters([{ type: "string" }], accepted)[0], "https://dm3.network");

    const [result, expires] = decodeAbiParameters([{ type: "bytes" }, { type: "uint64" }, { type: "bytes" }], data);
    const impostor = privateKeyToAccount(generatePrivateKey());
    const forged = await encodeResolveResponse(impostor, { resolver: stack.info.resolver, expiresSeconds: expires, request: callData, result });
    await assert.rejects(
      client().readContract({ address: stack.info.resolver, abi: offchainResolverAbi, functionName: "resolveWithProof", args: [forged, extraData(callData)] }),
      /OffchainResolverInvalidSigner/,
    );
  });

  it("fails the whole CCIP-Read lookup once the worker's key is no longer a signer", async () => {
    const owner = createWalletClient({ chain: hardhat, transport: http(stack.info.rpcUrl), account: privateKeyToAccount(LOCAL_DEPLOYER_KEY) });
    const replacement = privateKeyToAccount(generatePrivateKey()).address;
    for (const [functionName, signer] of [
      ["addSigner", replacement],
      ["removeSigner", stack.info.signer],
    ] as const) {
      const hash = await owner.writeContract({ address: stack.info.resolver, abi: OWNER_ONLY_ABI, functionName, args: [signer] });
      await client().waitForTransactionReceipt({ hash });
    }
    try {
      await assert.rejects(resolveRecord(client(), stack.info.ensRegistry, alice().name, { kind: "addr" }), /OffchainResolverInvalidSigner/);
    } finally {
      // Put the worker's key back for the tests that follow.
      const hash = await owner.writeContract({ address: stack.info.resolver, abi: OWNER_ONLY_ABI, functionName: "addSigner", args: [stack.info.signer] });
      await client().waitForTransactionReceipt({ hash });
    }
  });
});

describe("dm3 interop and the registry write paths", () => {
  it("accepts a profile made by dm3-lib-profile on dm3's own route, and serves it through the chain", async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const { signedProfile } = await createProfile(wallet.address, ["ds.demo.eth"], undefined as never, {
      signer: (message: string) => wallet.signMessage({ message }),
    });
    const response = await fetch(`${stack.info.gatewayUrl}/profile/address`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ signedUserProfile: signedProfile, address: wallet.address, subdomain: stack.info.domain }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    const name = `${wallet.address.toLowerCase()}.${stack.info.domain}`;
    const text = await resolveRecord(client(), stack.info.ensRegistry, name, { kind: "text", key: DM3_PROFILE_TEXT_KEY });
    const served = JSON.parse(text.slice(DM3_PROFILE_RECORD_PREFIX.length)) as SignedUserProfile;
    assert.deepEqual(served, signedProfile);
    assert.equal(checkUserProfileWithAddress(served, wallet.address), true);
    assert.equal(await resolveRecord(client(), stack.info.ensRegistry, name, { kind: "addr" }), wallet.address);
  });

  it("lets a wallet register its own address name by EIP-712 signature, then resolves it", async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const name = `${wallet.address.toLowerCase()}.${stack.info.domain}`;
    const write = {
      action: "put" as const,
      records: { owner: wallet.address, texts: { url: "https://self.example" } },
      nonce: 1,
      expiry: Math.floor(Date.now() / 1000) + 60,
    };
    // The wallet signs with the worker's own typed data; the SDK reads the nonce and domain for it.
    const typedData = nameWriteTypedData({ chainId: stack.info.chainId, resolverAddress: stack.info.resolver }, name, write);
    assert.equal(typedData.domain.verifyingContract, (await registry().nonce(name)).typedData.domain.verifyingContract);
    const written = await registry().signedWrite(name, wallet, { action: "put", records: write.records });
    assert.equal("owner" in written && written.owner, wallet.address);
    assert.equal(await resolveRecord(client(), stack.info.ensRegistry, name, { kind: "text", key: "url" }), "https://self.example");
  });

  it("round-trips a domain through the CLI: export, delete, import, identical export", async () => {
    const run = promisify(execFile);
    const { adminToken } = await ensureDevSecrets();
    const env = { ...process.env, DM3_REGISTRY_URL: stack.info.gatewayUrl, DM3_ADMIN_TOKEN: adminToken };
    const cli = (...args: string[]) => run(binPath("tsx"), ["scripts/cli.ts", ...args], { cwd: projectRoot, env });
    const before = path.join(stateDir, "before.ndjson");
    const after = path.join(stateDir, "after.ndjson");
    await cli("export", stack.info.domain, "--out", before);
    const exported = await readFile(before, "utf8");
    assert.ok(exported.includes(alice().name));

    await cli("name", "delete", alice().name);
    await assert.rejects(cli("name", "get", alice().name), /not registered/);
    const imported = await cli("import", before, "--domain", stack.info.domain, "--json");
    assert.equal((JSON.parse(imported.stdout) as { failed: number }).failed, 0);

    await cli("export", stack.info.domain, "--out", after);
    assert.equal(await readFile(after, "utf8"), exported);
    assert.equal(await resolveRecord(client(), stack.info.ensRegistry, alice().name, { kind: "addr" }), alice().address);
  });

  it("reports bad import rows and exits non-zero", async () => {
    const run = promisify(execFile);
    const { adminToken } = await ensureDevSecrets();
    const file = path.join(stateDir, "bad.csv");
    await writeFile(file, `name,owner\nok1.${stack.info.domain},${alice().address}\nNOT.${stack.info.domain},${alice().address}\n`);
    const env = { ...process.env, DM3_REGISTRY_URL: stack.info.gatewayUrl, DM3_ADMIN_TOKEN: adminToken };
    await assert.rejects(
      run(binPath("tsx"), ["scripts/cli.ts", "import", file, "--domain", stack.info.domain], { cwd: projectRoot, env }),
      (error: { code?: number; stdout?: string; stderr?: string }) => {
        assert.equal(error.code, 1);
        assert.match(error.stdout ?? "", /imported 1 of 2/);
        assert.match(error.stderr ?? "", /NOT\.demo\.eth: name_not_normalized/);
        return true;
      },
    );
  });
});

describe("relay: a message from dm3's libraries to a registered name, through the delivery service", () => {
  it("is submitted, authenticated for, picked up, decrypted with its postmark, acknowledged and gone", async () => {
    const { adminToken } = await ensureDevSecrets();
    // The sender: a dm3-lib-profile profile for bob, registered through the admin API.
    const bobWallet = privateKeyToAccount(generatePrivateKey());
    const bob = await createProfile(bobWallet.address, [DEMO_DS], undefined as never, { signer: (message: string) => bobWallet.signMessage({ message }) });
    const bobName = `bob.${stack.info.domain}`;
    await registry(adminToken).putName(bobName, { owner: bobWallet.address, dm3Profile: bob.signedProfile as SignedUserProfile });

    // What a dm3 client reads from ENS: alice's profile and her delivery service's profile.
    const aliceText = await resolveRecord(client(), stack.info.ensRegistry, alice().name, { kind: "text", key: DM3_PROFILE_TEXT_KEY });
    const aliceProfile = (JSON.parse(aliceText.slice(DM3_PROFILE_RECORD_PREFIX.length)) as SignedUserProfile).profile;
    assert.equal(aliceProfile.deliveryServices[0], DEMO_DS);
    const dsText = await resolveRecord(client(), stack.info.ensRegistry, DEMO_DS, { kind: "text", key: "network.dm3.deliveryService" });
    const ds = JSON.parse(dsText.slice(DM3_PROFILE_RECORD_PREFIX.length)) as { publicEncryptionKey: string; publicSigningKey: string; url: string };
    assert.equal(ds.url, stack.info.gatewayUrl);

    // Sender side, entirely dm3-lib-messaging.
    const message = await createMessage(alice().name, bobName, "hello from dm3-lib-messaging", bob.keys.signingKeyPair.privateKey);
    const { encryptedEnvelop } = await buildEnvelop(message, dm3Crypto.encryptAsymmetric, {
      to: { ensName: alice().name, profile: aliceProfile },
      from: { ensName: bobName },
      deliverServiceProfile: ds,
      keys: bob.keys,
    });
    const submitted = await fetch(`${ds.url}/rpc`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(createJsonRpcCallSubmitMessage(encryptedEnvelop, "")),
    });
    assert.equal(submitted.status, 200, await submitted.clone().text());

    // Recipient side: dm3's challenge/response with her profile's signing key.
    const challenge = (await (await fetch(`${ds.url}/auth/${alice().name}`)).json()) as string;
    const signature = await dm3Crypto.sign(alice().dm3.signing.privateKey, challenge);
    const login = await fetch(`${ds.url}/auth/${alice().name}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ challenge, signature }),
    });
    assert.equal(login.status, 200);
    const token = (await login.json()) as string;
    const incoming = async () =>
      (await (await fetch(`${ds.url}/delivery/messages/incoming/${alice().name}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
        message: string;
        metadata: { encryptedMessageHash: string; deliveryInformation: { to: string; from: string } };
        postmark: string;
      }[];
    const delivered = (await incoming()).find((item) => item.metadata.encryptedMessageHash === encryptedEnvelop.metadata.encryptedMessageHash);
    assert.ok(delivered, "the envelope is waiting for alice");
    assert.deepEqual(delivered.metadata.deliveryInformation, { to: alice().name, from: bobName });

    const opened = (await decryptEnvelop(delivered as never, alice().dm3.encryption)) as unknown as {
      message: { message: string; metadata: { from: string } };
      postmark: { messageHash: string; incommingTimestamp: number; signature: string };
    };
    assert.equal(opened.message.message, "hello from dm3-lib-messaging");
    assert.equal(opened.message.metadata.from, bobName);
    const postmarkHash = dm3Sha256(dm3Stringify({ incommingTimestamp: opened.postmark.incommingTimestamp, messageHash: opened.postmark.messageHash }));
    assert.equal(await dm3Crypto.checkSignature(ds.publicSigningKey, postmarkHash, opened.postmark.signature), true);

    const ack = await fetch(`${ds.url}/delivery/messages/${alice().name}/syncAcknowledgements`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ acknowledgements: [{ contactAddress: bobName, messageHash: encryptedEnvelop.metadata.encryptedMessageHash }] }),
    });
    assert.equal(ack.status, 200);
    assert.equal(
      (await incoming()).some((item) => item.metadata.encryptedMessageHash === encryptedEnvelop.metadata.encryptedMessageHash),
      false,
    );
  });
});

describe("relay gateway mode: envelopes POSTed to the service's webhook", () => {
  it("delivers a dm3-lib-messaging envelope to a real HTTP webhook with a valid HMAC signature", async () => {
    const { adminToken } = await ensureDevSecrets();
    const received: { body: string; signature: string | undefined; timestamp: string | undefined }[] = [];
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        received.push({
          body,
          signature: request.headers["x-dm3-signature"] as string | undefined,
          timestamp: request.headers["x-dm3-timestamp"] as string | undefined,
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const admin = registry(adminToken);
      await admin.putDomain("service.eth", { resolverAddress: stack.info.resolver, chainId: stack.info.chainId });
      const webhook = await admin.setWebhook("service.eth", `http://127.0.0.1:${port}/dm3`);

      const carolWallet = privateKeyToAccount(generatePrivateKey());
      const carol = await createProfile(carolWallet.address, [DEMO_DS], undefined as never, {
        signer: (message: string) => carolWallet.signMessage({ message }),
      });
      await admin.putName("carol.service.eth", { owner: carolWallet.address, dm3Profile: carol.signedProfile as SignedUserProfile });

      const dsText = await resolveRecord(client(), stack.info.ensRegistry, DEMO_DS, { kind: "text", key: "network.dm3.deliveryService" });
      const ds = JSON.parse(dsText.slice(DM3_PROFILE_RECORD_PREFIX.length)) as { publicEncryptionKey: string; publicSigningKey: string; url: string };
      const message = await createMessage("carol.service.eth", alice().name, "to the service", carol.keys.signingKeyPair.privateKey);
      const { encryptedEnvelop } = await buildEnvelop(message, dm3Crypto.encryptAsymmetric, {
        to: { ensName: "carol.service.eth", profile: carol.signedProfile.profile },
        from: { ensName: alice().name },
        deliverServiceProfile: ds,
        keys: carol.keys,
      });
      const submitted = await fetch(`${ds.url}/rpc`, { method: "POST", body: JSON.stringify(createJsonRpcCallSubmitMessage(encryptedEnvelop, "")) });
      assert.equal(submitted.status, 200);

      for (let waited = 0; received.length === 0 && waited < 10_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(received.length, 1, "the webhook got the envelope");
      const [delivery] = received;
      // HMAC-SHA256 over "<timestamp>.<body>", computed here with Node's own crypto; the attempt's time is now.
      const timestamp = Number(delivery!.timestamp);
      assert.ok(Math.abs(timestamp - Date.now() / 1000) < 60, `X-DM3-Timestamp ${delivery!.timestamp} is this attempt's time`);
      const expected = createHmac("sha256", webhook.secret).update(`${delivery!.timestamp}.${delivery!.body}`).digest("hex");
      assert.equal(delivery!.signature, `sha256=${expected}`);
      const body = JSON.parse(delivery!.body) as { recipient: string; envelope: { message: string; postmark: string } };
      assert.equal(body.recipient, "carol.service.eth");
      const opened = (await decryptEnvelop(body.envelope as never, carol.keys.encryptionKeyPair)) as unknown as { message: { message: string } };
      assert.equal(opened.message.message, "to the service");
      assert.deepEqual((await admin.webhookQueue("service.eth")).items, []);
    } finally {
      server.close();
    }
  });

  it("does not follow a webhook's redirect: the attempt fails and the queue says why", async () => {
    const { adminToken } = await ensureDevSecrets();
    const hits: string[] = [];
    const server = createServer((request, response) => {
      hits.push(request.url ?? "");
      request.resume();
      request.on("end", () => {
        if (request.url === "/moved") response.writeHead(307, { Location: "/elsewhere" }).end();
        else response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const admin = registry(adminToken);
      await admin.putDomain("moved.eth", { resolverAddress: stack.info.resolver, chainId: stack.info.chainId });
      await admin.setWebhook("moved.eth", `http://127.0.0.1:${port}/moved`);
      const daveWallet = privateKeyToAccount(generatePrivateKey());
      const dave = await createProfile(daveWallet.address, [DEMO_DS], undefined as never, { signer: (message: string) => daveWallet.signMessage({ message }) });
      await admin.putName("dave.moved.eth", { owner: daveWallet.address, dm3Profile: dave.signedProfile as SignedUserProfile });
      const dsText = await resolveRecord(client(), stack.info.ensRegistry, DEMO_DS, { kind: "text", key: "network.dm3.deliveryService" });
      const ds = JSON.parse(dsText.slice(DM3_PROFILE_RECORD_PREFIX.length)) as { publicEncryptionKey: string; publicSigningKey: string; url: string };
      const message = await createMessage("dave.moved.eth", alice().name, "to a moved webhook", dave.keys.signingKeyPair.privateKey);
      const { encryptedEnvelop } = await buildEnvelop(message, dm3Crypto.encryptAsymmetric, {
        to: { ensName: "dave.moved.eth", profile: dave.signedProfile.profile },
        from: { ensName: alice().name },
        deliverServiceProfile: ds,
        keys: dave.keys,
      });
      assert.equal((await fetch(`${ds.url}/rpc`, { method: "POST", body: JSON.stringify(createJsonRpcCallSubmitMessage(encryptedEnvelop, "")) })).status, 200);
      type QueueItem = { attempts: number; lastError: string | null };
      let items: QueueItem[] = [];
      for (let waited = 0; !items[0]?.attempts && waited < 10_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        items = (await admin.webhookQueue("moved.eth")).items;
      }
      assert.equal(items.length, 1, "the envelope stays queued");
      assert.match(items[0]!.lastError ?? "", /307 redirect to \/elsewhere/);
      assert.deepEqual(hits, ["/moved"], "the redirect target was never requested");
    } finally {
      server.close();
    }
  });
});

/** A backup with no rows (restoring it migrates a fresh D1 and loads nothing). */
async function writeBackupHeaderOnly(): Promise<string> {
  const file = path.join(stateDir, "header-only.sql");
  await writeFile(file, `${BACKUP_HEADER}\n`);
  return file;
}

describe("backup", () => {
  it("exports the whole D1 without API keys and restores it into a fresh database", async () => {
    const { adminToken } = await ensureDevSecrets();
    const created = await registry(adminToken).createKey(stack.info.domain, { label: "backup test" });
    assert.match(created.key, /^dm3k_/);
    const source = { remote: false as const, persistTo: path.join(stateDir, "d1") };
    const fresh = { remote: false as const, persistTo: path.join(stateDir, "restored") };
    const file = path.join(stateDir, "backup.sql");
    await exportD1(source, file);
    assert.doesNotMatch(await readFile(file, "utf8"), /api_keys/);
    await restoreD1(fresh, file);

    const [before, after] = [await countRows(source), await countRows(fresh)];
    for (const table of BACKUP_TABLES) assert.equal(after[table], before[table], `${table} rows`);
    assert.ok((before.names ?? 0) > 0 && (before.api_keys ?? 0) > 0);
    assert.equal(after.api_keys, 0);
  });

  it("backs up the running stack's D1 by default (no --persist-to), every row, mode 0600; restore refuses other files", async () => {
    const stackFile = path.join(stateDir, "stack.json");
    await writeFile(stackFile, JSON.stringify(stack.info));
    const env = { ...process.env, DM3_STACK_FILE: stackFile };
    const cli = (args: string[]) => promisify(execFile)(binPath("tsx"), ["scripts/cli.ts", ...args], { cwd: projectRoot, env });
    const target = path.join(stateDir, "default-location.sql");
    await cli(["backup", "export", "--out", target]);
    const sql = await readFile(target, "utf8");
    assert.equal((await stat(target)).mode & 0o777, 0o600);
    const counts = await countRows({ remote: false, persistTo: stack.info.d1Dir });
    for (const table of BACKUP_TABLES) {
      const inserts = sql.split("\n").filter((line) => line.startsWith(`INSERT INTO "${table}" `)).length;
      assert.ok(
        inserts >= (counts[table] ?? 0) && ((counts[table] ?? 0) === 0 || inserts > 0),
        `${table}: ${inserts} rows in the backup, ${counts[table]} in the D1`,
      );
    }
    assert.ok((counts.names ?? 0) > 0, "the stack has names");
    // A file that is not one of our backups is refused before anything is touched.
    const foreign = path.join(stateDir, "foreign.sql");
    await writeFile(foreign, "DROP TABLE names;\n");
    await assert.rejects(cli(["backup", "restore", foreign, "--persist-to", path.join(stateDir, "never")]), /not a dm3-registry backup/);
  });

  it("an export of a database with no registry rows is an error, not an empty success", async () => {
    const empty = path.join(stateDir, "empty-d1");
    await restoreD1({ remote: false, persistTo: empty }, await writeBackupHeaderOnly());
    const run = promisify(execFile);
    await assert.rejects(
      run(binPath("tsx"), ["scripts/cli.ts", "backup", "export", "--out", path.join(stateDir, "empty.sql"), "--persist-to", empty], { cwd: projectRoot }),
      /holds no rows/,
    );
    await assert.rejects(stat(path.join(stateDir, "empty.sql")));
  });
});
