/**
 * A NameStone customer moving here: NameStone's own SDK (`@namestone/namestone-sdk` from npm), its
 * `baseUrl` pointed at this worker and one of our service keys as its API key, against the whole
 * local stack — set, list, search, claim, delete, the domain's records, a wrong key — and ENS
 * clients (viem, through the chain, the resolver and CCIP-Read) resolve what it wrote; and the CLI's
 * `import namestone` bringing over the names a customer saved from NameStone's get-names.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import NameStone, { AuthenticationError, NetworkError } from "@namestone/namestone-sdk";
import { createPublicClient, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { createDm3Profile, createRegistryClient, encodeProfileRecord, resolveRecord } from "../../sdk/src/index";
import { binPath, projectRoot } from "../../scripts/lib/paths";
import { ensureDevSecrets } from "../../scripts/stack/devVars";
import { PLAYGROUND_DOMAIN, PLAYGROUND_OWNER_KEY } from "../../scripts/stack/deployContracts";
import { connectChain } from "../../scripts/lib/chain";
import { setDomainResolver } from "../../scripts/lib/setDomainResolver";
import { findFreePort } from "../../scripts/stack/processes";
import { type Stack, startStack } from "../../scripts/stack/startStack";

const OWNER = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const OPTIMISM = "2147483658";

let stack: Stack;
let stateDir: string;
let ns: NameStone;
const domain = () => stack.info.domain;
const client = () => createPublicClient({ chain: hardhat, transport: http(stack.info.rpcUrl) });
const resolveText = (name: string, key: string) => resolveRecord(client(), stack.info.ensRegistry, name, { kind: "text", key });

before(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), "dm3-namestone-"));
  stack = await startStack({ rpcPort: await findFreePort(), workerPort: await findFreePort(), inspectorPort: await findFreePort(), stateDir });
  const { adminToken } = await ensureDevSecrets(stack.info.secretsFile);
  const { key } = await createRegistryClient({ url: stack.info.gatewayUrl, credential: adminToken }).createKey(domain(), { label: "moved from NameStone" });
  // The one line a NameStone customer changes.
  ns = new NameStone(key, { baseUrl: `${stack.info.gatewayUrl}/namestone/v1` });
});

after(async () => {
  await stack?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe("NameStone's SDK against this worker", () => {
  it("sets a name that ENS clients resolve through the chain", async () => {
    await ns.setName({
      domain: domain(),
      name: "stone",
      address: OWNER,
      text_records: { url: "https://stone.example", "com.twitter": "stone" },
      coin_types: { [OPTIMISM]: OWNER },
    });
    assert.equal(await resolveText(`stone.${domain()}`, "url"), "https://stone.example");
    assert.equal(
      (await resolveRecord(client(), stack.info.ensRegistry, `stone.${domain()}`, { kind: "addr", coinType: BigInt(OPTIMISM) })).toLowerCase(),
      OWNER.toLowerCase(),
    );
  });

  it("lists and searches in NameStone's NameData shape", async () => {
    const names = await ns.getNames({ domain: domain(), address: OWNER });
    assert.deepEqual(names, [
      {
        name: "stone",
        address: OWNER,
        domain: domain(),
        text_records: { url: "https://stone.example", "com.twitter": "stone" },
        coin_types: { [OPTIMISM]: OWNER },
      },
    ]);
    const found = await ns.searchNames({ domain: domain(), name: "sto" });
    assert.deepEqual(
      found.map((entry) => entry.name),
      ["stone"],
    );
    assert.equal((await ns.searchNames({ domain: domain(), name: "sto", exact_match: true })).length, 0);
    const withoutTexts = await ns.getNames({ domain: domain(), text_records: false, limit: 100 });
    assert.ok(withoutTexts.every((entry) => entry.text_records === undefined));
    assert.ok(
      withoutTexts.some((entry) => entry.name === "alice"),
      "the demo's alice is listed too",
    );
  });

  it("claims a free name only, and deletes", async () => {
    await ns.claimName({ domain: domain(), name: "claimed", address: OWNER });
    await assert.rejects(
      ns.claimName({ domain: domain(), name: "claimed", address: OWNER }),
      (error: Error) => error instanceof NetworkError && /409/.test(error.message),
    );
    await ns.deleteName({ domain: domain(), name: "claimed" });
    assert.equal(await resolveText(`claimed.${domain()}`, "url"), "");
    assert.equal((await ns.searchNames({ domain: domain(), name: "claimed", exact_match: true })).length, 0);
  });

  it("writes a batch of names all or nothing (set-names, over HTTP: SDK 0.2.15 has no method for it)", async () => {
    const key = (ns as unknown as { headers: Record<string, string> }).headers.Authorization as string;
    const setNames = (names: unknown[]) =>
      fetch(`${stack.info.gatewayUrl}/namestone/v1/set-names`, {
        method: "POST",
        headers: { Authorization: key, "Content-Type": "application/json" },
        body: JSON.stringify({ domain: domain(), names }),
      });
    const refused = await setNames([
      { name: "one", address: OWNER },
      { name: "Two", address: OWNER },
    ]);
    assert.equal(refused.status, 400);
    assert.equal((await ns.searchNames({ domain: domain(), name: "one", exact_match: true })).length, 0);
    const accepted = await setNames([
      { name: "one", address: OWNER, text_records: { url: "https://one.example" } },
      { name: "two", address: OWNER },
    ]);
    assert.equal(accepted.status, 200);
    assert.equal(await resolveText(`one.${domain()}`, "url"), "https://one.example");
  });

  it("sets and reads the domain's own records", async () => {
    await ns.setDomain({ domain: domain(), address: OWNER, text_records: { description: "demo, moved from NameStone" } });
    assert.deepEqual(await ns.getDomain({ domain: domain() }), {
      domain: domain(),
      address: OWNER,
      text_records: { description: "demo, moved from NameStone" },
    });
    assert.equal(await resolveText(domain(), "description"), "demo, moved from NameStone");
  });

  it("imports a NameStone customer's saved get-names answers in one command: dry run, report, idempotent", async () => {
    const { adminToken } = await ensureDevSecrets(stack.info.secretsFile);
    const wallet = privateKeyToAccount(generatePrivateKey());
    const { signedUserProfile } = await createDm3Profile(wallet, { deliveryServices: [`ds.${domain()}`] });
    // Two pages of get-names (one JSON array per line), as a customer saves them before leaving NameStone.
    const pages = [
      [
        { name: "moved1", address: OWNER, domain: domain(), text_records: { url: "https://moved1.example" }, coin_types: { [OPTIMISM]: OWNER } },
        { name: "moved2", address: wallet.address, domain: domain(), text_records: { "network.dm3.profile": encodeProfileRecord(signedUserProfile) } },
      ],
      [
        { name: "elsewhere", address: OWNER, domain: "not-served-here.eth", text_records: {} },
        { name: "noaddress", domain: domain() },
      ],
    ];
    const dump = path.join(stateDir, "namestone-names.json");
    await writeFile(dump, pages.map((page) => JSON.stringify(page)).join("\n"));
    const env = { ...process.env, DM3_REGISTRY_URL: stack.info.gatewayUrl, DM3_ADMIN_TOKEN: adminToken };
    const cli = (...args: string[]) => promisify(execFile)(binPath("tsx"), ["scripts/cli.ts", ...args], { cwd: projectRoot, env });

    const dryRun = await cli("import", "namestone", dump, "--dry-run");
    assert.match(dryRun.stderr, new RegExp(`would import 2 names into ${domain().replace(".", "\\.")}`));
    assert.match(dryRun.stderr, /1 entries cannot be read/);
    assert.equal((await ns.searchNames({ domain: domain(), name: "moved", limit: 10 })).length, 0, "a dry run writes nothing");

    for (let round = 0; round < 2; round++) {
      await assert.rejects(cli("import", "namestone", dump, "--json"), (error: { code?: number; stdout?: string }) => {
        assert.equal(error.code, 1, "names that could not be imported make it fail");
        const report = JSON.parse(error.stdout ?? "") as { succeeded: number; failed: number; failures: { name: string; reason: string }[] };
        assert.equal(report.succeeded, 2);
        assert.deepEqual(report.failures.map((failure) => failure.reason.split(":")[0]).sort(), ["line 2", "unknown_domain"]);
        return true;
      });
    }
    assert.equal(await resolveText(`moved1.${domain()}`, "url"), "https://moved1.example");
    const profile = JSON.parse((await resolveText(`moved2.${domain()}`, "network.dm3.profile")).replace("data:application/json,", "")) as { signature: string };
    assert.equal(profile.signature, signedUserProfile.signature, "the DM3 profile came over, verified");
    assert.equal((await ns.searchNames({ domain: domain(), name: "moved", limit: 10 })).length, 2, "twice imported, once there");
  });

  it("refuses a wrong key with the SDK's AuthenticationError, and changes nothing", async () => {
    const intruder = new NameStone("dm3k_wrong_key", { baseUrl: `${stack.info.gatewayUrl}/namestone/v1` });
    await assert.rejects(
      intruder.setName({ domain: domain(), name: "stone", address: OWNER, text_records: { url: "https://evil.example" } }),
      AuthenticationError,
    );
    assert.equal(await resolveText(`stone.${domain()}`, "url"), "https://stone.example");
  });
});

describe("self-service onboarding: the domain's on-chain owner signs in with SIWE and gets a key", () => {
  const baseUrl = () => `${stack.info.gatewayUrl}/namestone/v1`;
  const owner = privateKeyToAccount(PLAYGROUND_OWNER_KEY);
  const enable = async (signer: ReturnType<typeof privateKeyToAccount>, address = signer.address, extra: { cycle_key?: "0" | "1" } = {}) => {
    const anonymous = new NameStone(undefined, { baseUrl: baseUrl() });
    const message = await anonymous.getSiweMessage({ address });
    const signature = await signer.signMessage({ message });
    return {
      message,
      signature,
      answer: anonymous.enableDomain({ company_name: "Acme", email: "ops@acme.example", address, domain: PLAYGROUND_DOMAIN, signature, ...extra }),
    };
  };

  it("refuses a domain whose resolver does not trust this gateway, naming the fix", async () => {
    const { answer } = await enable(owner);
    await assert.rejects(
      answer,
      (error: Error) => error instanceof NetworkError && /409/.test(error.message) && /deploy set-resolver acme\.eth/.test(error.message),
    );
  });

  it("issues a key once the resolver is ours; the key writes only that domain; a signature works once", async () => {
    await setDomainResolver(await connectChain({ rpcUrl: stack.info.rpcUrl, privateKey: PLAYGROUND_OWNER_KEY }), {
      registry: stack.info.ensRegistry,
      domain: PLAYGROUND_DOMAIN,
      resolver: stack.info.resolver,
    });
    const { message, signature, answer } = await enable(owner);
    assert.match(message, /wants you to sign in with your Ethereum account:\n0x70997970C51812dc3A010C7d01b50e0d17dc79C8\n/);
    assert.match(message, /Chain ID: 31337/);
    const { api_key } = await answer;
    const acme = new NameStone(api_key, { baseUrl: baseUrl() });
    await acme.setName({ domain: PLAYGROUND_DOMAIN, name: "erin", address: OWNER, text_records: { url: "https://erin.acme.example" } });
    assert.equal(await resolveText(`erin.${PLAYGROUND_DOMAIN}`, "url"), "https://erin.acme.example");
    await assert.rejects(
      acme.setName({ domain: domain(), name: "intruder", address: OWNER }),
      (error: Error) => error instanceof NetworkError && /403/.test(error.message),
    );
    // The same signature again: the message was used.
    await assert.rejects(
      new NameStone(undefined, { baseUrl: baseUrl() }).enableDomain({
        company_name: "Acme",
        email: "ops@acme.example",
        address: owner.address,
        domain: PLAYGROUND_DOMAIN,
        signature,
      }),
      AuthenticationError,
    );

    // cycle_key=1: a new key, and the ones this address got before stop working.
    const { answer: cycled } = await enable(owner, owner.address, { cycle_key: "1" });
    const { api_key: fresh } = await cycled;
    await assert.rejects(acme.setName({ domain: PLAYGROUND_DOMAIN, name: "erin", address: OWNER }), AuthenticationError);
    await new NameStone(fresh, { baseUrl: baseUrl() }).setName({ domain: PLAYGROUND_DOMAIN, name: "erin", address: OWNER });
  });

  it("refuses anyone but the on-chain owner, and a signature over another address's message without burning it", async () => {
    const stranger = privateKeyToAccount(generatePrivateKey());
    await assert.rejects(
      (await enable(stranger)).answer,
      (error: Error) => error instanceof NetworkError && /403/.test(error.message) && /owned by/.test(error.message),
    );
    // The stranger signs the message issued to the owner: refused, and the owner's message is not used up by it.
    const { message, answer } = await enable(stranger, owner.address);
    await assert.rejects(answer, AuthenticationError);
    const signature = await owner.signMessage({ message });
    const { api_key } = await new NameStone(undefined, { baseUrl: baseUrl() }).enableDomain({
      company_name: "Acme",
      email: "ops@acme.example",
      address: owner.address,
      domain: PLAYGROUND_DOMAIN,
      signature,
    });
    assert.match(api_key, /^dm3k_/);
  });
});
