import { env } from "cloudflare:test";
import { decodeAbiParameters, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { beforeAll, describe, expect, test } from "vitest";
import worker from "../src/index";
import { signDetached } from "../src/protocol/dm3/asymmetric";
import { generateDm3Keys } from "../src/protocol/dm3/keys";

type Dm3Keys = ReturnType<typeof generateDm3Keys>;
import { type SignedUserProfile, signUserProfile } from "../src/protocol/dm3/profile";
import { stringify } from "../src/protocol/dm3/stringify";
import { settingsOf } from "../src/settings/settingsOf";
import { type NameWriteRequest, signNameWrite } from "../src/protocol/nameWriteTypedData";
import { ADMIN_TOKEN, RESOLVER, SENDER, adminPut, call, createKey, expectError, resolveCallData, envelopeFromElsewhere } from "./fixtures";
import { TEST_DS_URL } from "./testSecrets";

// Replays, rollbacks and one tenant steering another, over a name's whole lifecycle.

const CHAIN_ID = 31337;
const typedDataDomain = { chainId: CHAIN_ID, resolverAddress: RESOLVER };
const relay = settingsOf(env).relay();
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const inAMinute = () => Math.floor(Date.now() / 1000) + 60;

const profileFor = (keys: Dm3Keys) => ({
  publicEncryptionKey: keys.encryption.publicKey,
  publicSigningKey: keys.signing.publicKey,
  deliveryServices: ["ds.demo.eth"],
});

async function signed(account: ReturnType<typeof privateKeyToAccount>, name: string, write: NameWriteRequest) {
  const signature = await signNameWrite(account, typedDataDomain, name, write);
  return () => call(`/v1/names/${name}/signed`, { method: "POST", body: JSON.stringify({ ...write, signature }) });
}

const postDm3Profile = (signedUserProfile: SignedUserProfile, address: string, subdomain = "life.eth") =>
  call("/profile/address", { method: "POST", body: JSON.stringify({ signedUserProfile, address, subdomain }) });

const withKey = (key: string, method: string, body?: unknown) => ({
  method,
  headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

async function login(name: string, keys: Dm3Keys): Promise<string> {
  const challenge = (await (await call(`/auth/${name}`)).json()) as string;
  const response = await call(`/auth/${name}`, {
    method: "POST",
    body: JSON.stringify({ challenge, signature: signDetached(keys.signing.privateKey, challenge) }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as string;
}

async function submitTo(name: string, keys: Dm3Keys, text: string) {
  const envelope = envelopeFromElsewhere(name, keys.encryption.publicKey, text);
  const response = await call("/rpc", {
    method: "POST",
    body: JSON.stringify({ jsonrpc: "2.0", method: "dm3_submitMessage", params: [JSON.stringify(envelope)] }),
  });
  expect(response.status).toBe(200);
}

/**
 * `to` takes `name` over (a PUT with its own profile, fresh keys): the previous holder's messages
 * are gone, and the new holder's inbox is empty. Returns the new holder's keys.
 */
async function handOver(name: string, to: ReturnType<typeof privateKeyToAccount>): Promise<Dm3Keys> {
  const keys = generateDm3Keys();
  expect((await adminPut(`/v1/names/${name}`, { owner: to.address, dm3Profile: await signUserProfile(to, profileFor(keys)) })).status).toBe(200);
  expect(await countRows("messages", name)).toBe(0);
  const session = await login(name, keys);
  expect(await (await call(`/delivery/messages/incoming/${name}`, { headers: { Authorization: `Bearer ${session}` } })).json()).toEqual([]);
  return keys;
}

const countRows = (table: "messages" | "webhook_deliveries", recipient: string) =>
  env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE recipient = ?`).bind(recipient).first<number>("n");

beforeAll(async () => {
  for (const name of ["life.eth", "evil.eth", "nest.eth", "gwlife.eth"]) {
    expect((await adminPut(`/v1/domains/${name}`, { resolverAddress: RESOLVER, chainId: CHAIN_ID, allowAddressNames: true })).status).toBe(200);
  }
});

describe("owner-signed writes over a name's lifecycle", () => {
  const owner = privateKeyToAccount(generatePrivateKey());
  const name = `${owner.address.toLowerCase()}.life.eth`;
  const put = (nonce: number, tag: string) =>
    signed(owner, name, { action: "put", records: { owner: owner.address, texts: { tag } }, nonce, expiry: inAMinute() });

  test("an old signed put or delete replays with 409 after a signed delete and a re-creation", async () => {
    const firstPut = await put(1, "first");
    expect((await firstPut()).status).toBe(200);
    const signedDelete = await signed(owner, name, { action: "delete", nonce: 2, expiry: inAMinute() });
    expect((await signedDelete()).status).toBe(200);
    // The nonce endpoint still knows the name's history.
    expect(((await (await call(`/v1/names/${name}/nonce`)).json()) as { nonce: number }).nonce).toBe(2);
    expect((await (await put(3, "again"))()).status).toBe(200);
    await expectError(await firstPut(), 409, "stale_nonce");
    await expectError(await signedDelete(), 409, "stale_nonce");
    expect(await (await call(`/v1/names/${name}`)).json()).toMatchObject({ texts: { tag: "again" } });
  });

  test("an old signed put replays with 409 after the service deletes and re-creates the name", async () => {
    const oldPut = await put(4, "before the service");
    expect((await oldPut()).status).toBe(200);
    expect((await call(`/v1/names/${name}`, { method: "DELETE", headers: admin })).status).toBe(200);
    expect((await adminPut(`/v1/names/${name}`, { owner: owner.address, texts: { tag: "service" } })).status).toBe(200);
    await expectError(await oldPut(), 409, "stale_nonce");
    expect(await (await call(`/v1/names/${name}`)).json()).toMatchObject({ texts: { tag: "service" } });
  });

  test("a delete and a put racing with one nonce: exactly one wins", async () => {
    for (const nonce of [10, 11, 12]) {
      const racers = [await put(nonce, `racer ${nonce}`), await signed(owner, name, { action: "delete", nonce, expiry: inAMinute() })];
      const statuses = (await Promise.all(racers.map((send) => send()))).map((response) => response.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(1);
      // Whichever won, the loser never lands afterwards either.
      for (const send of racers) expect((await send()).status).toBe(409);
      if ((await call(`/v1/names/${name}`)).status === 404) expect((await adminPut(`/v1/names/${name}`, { owner: owner.address })).status).toBe(200);
    }
  });
});

describe("dm3's sign-up route cannot roll a profile back", () => {
  const owner = privateKeyToAccount(generatePrivateKey());
  const name = `${owner.address.toLowerCase()}.life.eth`;
  const served = async () => ((await (await call(`/v1/names/${name}`)).json()) as { dm3Profile: SignedUserProfile }).dm3Profile;
  let first: SignedUserProfile;
  let second: SignedUserProfile;

  test("a superseded profile is refused when posted again, by anyone, on every write path", async () => {
    first = await signUserProfile(owner, profileFor(generateDm3Keys()));
    second = await signUserProfile(owner, profileFor(generateDm3Keys()));
    expect((await postDm3Profile(first, owner.address)).status).toBe(200);
    expect((await postDm3Profile(second, owner.address)).status).toBe(200);
    const replayed = await postDm3Profile(first, owner.address);
    expect(replayed.status).toBe(409);
    expect((await replayed.json()) as { code: string; error: string }).toMatchObject({ code: "superseded_profile" });
    await expectError(await adminPut(`/v1/names/${name}`, { owner: owner.address, dm3Profile: first }), 409, "superseded_profile");
    const patch = await call(`/v1/names/${name}`, { method: "PATCH", headers: admin, body: JSON.stringify({ dm3Profile: first }) });
    await expectError(patch, 409, "superseded_profile");
    expect(await served()).toEqual(second);
  });

  test("re-posting the current profile is not a rollback, and the owner moves forward on both routes", async () => {
    expect((await postDm3Profile(second, owner.address)).status).toBe(200);
    const third = await signUserProfile(owner, profileFor(generateDm3Keys()));
    expect((await postDm3Profile(third, owner.address)).status).toBe(200);
    expect(await served()).toEqual(third);
    const fourth = await signUserProfile(owner, profileFor(generateDm3Keys()));
    const write = await signed(owner, name, { action: "put", records: { owner: owner.address, dm3Profile: fourth }, nonce: 1, expiry: inAMinute() });
    expect((await write()).status).toBe(200);
    expect(await served()).toEqual(fourth);
    await expectError(await adminPut(`/v1/names/${name}`, { owner: owner.address, dm3Profile: third }), 409, "superseded_profile");
  });

  test("after the owner's signed delete, its last profile does not bring the name back", async () => {
    const current = await served();
    const signedDelete = await signed(owner, name, { action: "delete", nonce: 2, expiry: inAMinute() });
    expect((await signedDelete()).status).toBe(200);
    expect((await postDm3Profile(current, owner.address)).status).toBe(409);
    expect((await call(`/v1/names/${name}`)).status).toBe(404);
  });

  test("after a service's delete, the service can put the name back as it was (export, delete, import)", async () => {
    const other = privateKeyToAccount(generatePrivateKey());
    const otherName = `${other.address.toLowerCase()}.life.eth`;
    const profile = await signUserProfile(other, profileFor(generateDm3Keys()));
    expect((await postDm3Profile(profile, other.address)).status).toBe(200);
    expect((await call(`/v1/names/${otherName}`, { method: "DELETE", headers: admin })).status).toBe(200);
    expect((await adminPut(`/v1/names/${otherName}`, { owner: other.address, dm3Profile: profile })).status).toBe(200);
  });
});

describe("address → name and address → profile trust only proven ownership", () => {
  const victim = privateKeyToAccount(generatePrivateKey());
  const addressName = `${victim.address.toLowerCase()}.life.eth`;
  let evilKey: string;
  let oldProfile: SignedUserProfile;
  let currentProfile: SignedUserProfile;

  beforeAll(async () => {
    evilKey = (await createKey("evil.eth")).key;
    oldProfile = await signUserProfile(victim, profileFor(generateDm3Keys()));
    currentProfile = await signUserProfile(victim, profileFor(generateDm3Keys()));
    expect((await postDm3Profile(oldProfile, victim.address)).status).toBe(200);
    expect((await postDm3Profile(currentProfile, victim.address)).status).toBe(200);
  });

  test("another tenant's names for the address, however many and however named, change neither answer", async () => {
    // 120 names that sort before the victim's and claim the victim as owner, with no proof.
    const names = Array.from({ length: 120 }, (_, index) => ({ name: `a${String(index).padStart(3, "0")}.evil.eth`, owner: victim.address }));
    const bulk = await call("/v1/domains/evil.eth/names/bulk", withKey(evilKey, "POST", { names }));
    expect(((await bulk.json()) as { succeeded: number }).succeeded).toBe(120);
    // One more that carries a copy of the victim's older profile (signed by the victim, but not for this name).
    expect((await call("/v1/names/0.evil.eth", withKey(evilKey, "PUT", { owner: victim.address, dm3Profile: oldProfile }))).status).toBe(200);

    expect(await (await call(`/profile/name/${victim.address}`)).json()).toEqual({ name: addressName });
    expect(await (await call(`/profile/${victim.address}`)).json()).toEqual(currentProfile);
  });

  test("the listing says which owners are proven, and an address nobody proved has no reverse name", async () => {
    const page = (await (await call(`/v1/addresses/${victim.address}/names?limit=500`)).json()) as { items: { name: string; ownerProven: boolean }[] };
    expect(page.items.find((item) => item.name === addressName)?.ownerProven).toBe(true);
    expect(page.items.find((item) => item.name === "a000.evil.eth")?.ownerProven).toBe(false);
    const stranger = privateKeyToAccount(generatePrivateKey());
    expect((await call("/v1/names/claimed.evil.eth", withKey(evilKey, "PUT", { owner: stranger.address }))).status).toBe(200);
    expect((await call(`/profile/name/${stranger.address}`)).status).toBe(404);
    expect((await call(`/profile/${stranger.address}`)).status).toBe(404);
  });

  test("among proven names: a chosen name signed for by the owner beats the address name", async () => {
    const alias = "victim.life.eth";
    expect((await adminPut(`/v1/names/${alias}`, { owner: victim.address })).status).toBe(200);
    expect(await (await call(`/profile/name/${victim.address}`)).json()).toEqual({ name: addressName });
    const write = await signed(victim, alias, { action: "put", records: { owner: victim.address }, nonce: 1, expiry: inAMinute() });
    expect((await write()).status).toBe(200);
    expect(await (await call(`/profile/name/${victim.address}`)).json()).toEqual({ name: alias });
    // The profile still comes from the proven name that has one.
    expect(await (await call(`/profile/${victim.address}`)).json()).toEqual(currentProfile);
  });

  test("the choice is one indexed walk in the order of the rule", async () => {
    const plan = await env.DB.prepare(
      `EXPLAIN QUERY PLAN SELECT * FROM names WHERE lower(owner_address) = lower(?) AND owner_proof > 0
       ORDER BY owner_proof DESC, (substr(name, 1, 2) = '0x' AND substr(name, 43, 1) = '.' AND rtrim(substr(name, 3, 40), '0123456789abcdef') = ''), owner_since, name LIMIT 1`,
    )
      .bind(victim.address)
      .all<{ detail: string }>();
    const details = plan.results.map((row) => row.detail).join("\n");
    expect(details).toContain("names_proven_owner_idx");
    expect(details).not.toContain("TEMP B-TREE");
  });
});

describe("public reads show no tenant secrets", () => {
  test("GET /v1/domains hides webhook URLs from the public and shows them to the admin", async () => {
    const url = "https://service.example/dm3?token=tenant-secret";
    expect((await call("/v1/domains/gwlife.eth/webhook", { method: "PUT", headers: admin, body: JSON.stringify({ url }) })).status).toBe(200);
    const everyone = JSON.stringify(await (await call("/v1/domains")).json());
    expect(everyone).toContain("gwlife.eth");
    expect(everyone).not.toContain("tenant-secret");
    expect(everyone).not.toContain("webhookUrl");
    const adminView = JSON.stringify(await (await call("/v1/domains", { headers: admin })).json());
    expect(adminView).toContain("tenant-secret");
    await expectError(await call("/v1/domains", { headers: { Authorization: "Bearer wrong" } }), 401, "unauthorized");
  });
});

describe("the delivery-service record never comes from a request's Host", () => {
  const dsRecord = async (host: string, environment: Env = env) => {
    const callData = resolveCallData("ds.demo.eth", { functionName: "text", key: "network.dm3.deliveryService" });
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
    return worker.fetch(new Request(`http://${host}/ccip/${SENDER}/${callData}.json`), environment, ctx);
  };

  beforeAll(async () => {
    expect((await adminPut("/v1/domains/demo.eth", { resolverAddress: RESOLVER, chainId: CHAIN_ID })).status).toBe(200);
  });

  test("a foreign Host gets, and leaves behind, the configured DS_URL", async () => {
    for (const host of ["attacker.example", "gateway.test"]) {
      const { data } = (await (await dsRecord(host)).json()) as { data: Hex };
      const [result] = decodeAbiParameters([{ type: "bytes" }, { type: "uint64" }, { type: "bytes" }], data);
      const [text] = decodeAbiParameters([{ type: "string" }], result);
      expect(text).toBe(
        `data:application/json,${stringify({ publicEncryptionKey: relay.encryption.publicKey, publicSigningKey: relay.signing.publicKey, url: TEST_DS_URL })}`,
      );
    }
  });

  test("with DS_NAME set and DS_URL empty, the relay is a named configuration error", async () => {
    const misconfigured = { ...env, DS_URL: "" };
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
    const properties = JSON.stringify({ jsonrpc: "2.0", method: "dm3_getDeliveryServiceProperties", params: [] });
    const response = await worker.fetch(new Request("http://gateway.test/rpc", { method: "POST", body: properties }), misconfigured, ctx);
    await expectError(response, 500, "misconfigured");
  });
});

describe("nested domains", () => {
  test("a sub-domain is refused while another domain holds names under it, naming them", async () => {
    expect((await adminPut("/v1/names/bob.sub.nest.eth", { owner: SENDER })).status).toBe(200);
    const message = await expectError(await adminPut("/v1/domains/sub.nest.eth", { resolverAddress: RESOLVER, chainId: CHAIN_ID }), 409, "domain_has_names");
    expect(message).toContain("bob.sub.nest.eth in nest.eth");
    // Names that only look alike are not in the way.
    expect((await adminPut("/v1/names/xsub.nest.eth", { owner: SENDER })).status).toBe(200);
    expect((await call("/v1/names/bob.sub.nest.eth", { method: "DELETE", headers: admin })).status).toBe(200);
    expect((await adminPut("/v1/domains/sub.nest.eth", { resolverAddress: RESOLVER, chainId: CHAIN_ID })).status).toBe(200);
    expect((await adminPut("/v1/names/bob.sub.nest.eth", { owner: SENDER })).status).toBe(200);
    const listed = (await (await call("/v1/domains/sub.nest.eth/names")).json()) as { items: { name: string }[] };
    expect(listed.items.map((item) => item.name)).toEqual(["bob.sub.nest.eth"]);
    const parent = (await (await call("/v1/domains/nest.eth/names")).json()) as { items: { name: string }[] };
    expect(parent.items.map((item) => item.name)).toEqual(["xsub.nest.eth"]);
  });
});

describe("sessions and messages follow the owner", () => {
  test("new DM3 keys end the sessions of the old signing key at once", async () => {
    const owner = privateKeyToAccount(generatePrivateKey());
    const name = "keys.life.eth";
    const oldKeys = generateDm3Keys();
    expect((await adminPut(`/v1/names/${name}`, { owner: owner.address, dm3Profile: await signUserProfile(owner, profileFor(oldKeys)) })).status).toBe(200);
    const session = await login(name, oldKeys);
    expect((await call(`/delivery/messages/incoming/${name}`, { headers: { Authorization: `Bearer ${session}` } })).status).toBe(200);
    const newKeys = generateDm3Keys();
    expect((await adminPut(`/v1/names/${name}`, { owner: owner.address, dm3Profile: await signUserProfile(owner, profileFor(newKeys)) })).status).toBe(200);
    await expectError(await call(`/delivery/messages/incoming/${name}`, { headers: { Authorization: `Bearer ${session}` } }), 401, "unauthorized");
    const ack = await call(`/delivery/messages/${name}/syncAcknowledgements`, {
      method: "POST",
      headers: { Authorization: `Bearer ${session}` },
      body: JSON.stringify({ acknowledgements: [] }),
    });
    expect(ack.status).toBe(401);
    const fresh = await login(name, newKeys);
    expect((await call(`/delivery/messages/incoming/${name}`, { headers: { Authorization: `Bearer ${fresh}` } })).status).toBe(200);
  });

  test("a deleted or re-owned name's messages and webhook deliveries leave with it", async () => {
    const first = privateKeyToAccount(generatePrivateKey());
    const firstKeys = generateDm3Keys();
    const name = "inbox.life.eth";
    expect((await adminPut(`/v1/names/${name}`, { owner: first.address, dm3Profile: await signUserProfile(first, profileFor(firstKeys)) })).status).toBe(200);
    await submitTo(name, firstKeys, "for the first holder");
    // A new owner (PUT with another owner): the first holder's messages go.
    const second = privateKeyToAccount(generatePrivateKey());
    expect(await countRows("messages", name)).toBe(1);
    const secondKeys = await handOver(name, second);
    // The same owner writing again keeps its messages; a delete removes them.
    await submitTo(name, secondKeys, "for the second holder");
    expect((await adminPut(`/v1/names/${name}`, { owner: second.address, texts: { note: "same owner" } })).status).toBe(200);
    expect(await countRows("messages", name)).toBe(1);
    expect((await call(`/v1/names/${name}`, { method: "DELETE", headers: admin })).status).toBe(200);
    expect(await countRows("messages", name)).toBe(0);

    // Gateway mode: queued webhook deliveries for the name go too.
    const gatewayName = "carol.gwlife.eth";
    expect((await adminPut(`/v1/names/${gatewayName}`, { owner: first.address, dm3Profile: await signUserProfile(first, profileFor(firstKeys)) })).status).toBe(
      200,
    );
    await submitTo(gatewayName, firstKeys, "queued for the webhook");
    expect(await countRows("webhook_deliveries", gatewayName)).toBe(1);
    const patch = await call(`/v1/names/${gatewayName}`, {
      method: "PATCH",
      headers: admin,
      body: JSON.stringify({ owner: second.address, dm3Profile: null }),
    });
    expect(patch.status).toBe(200);
    expect(await countRows("webhook_deliveries", gatewayName)).toBe(0);
  });

  test("the same holds for a domain whose names live in another database than the relay's data", async () => {
    expect((await adminPut("/v1/domains/elsewhere-life.eth", { resolverAddress: RESOLVER, chainId: CHAIN_ID, database: "DB_2" })).status).toBe(200);
    const first = privateKeyToAccount(generatePrivateKey());
    const firstKeys = generateDm3Keys();
    const name = "inbox.elsewhere-life.eth";
    expect((await adminPut(`/v1/names/${name}`, { owner: first.address, dm3Profile: await signUserProfile(first, profileFor(firstKeys)) })).status).toBe(200);
    await submitTo(name, firstKeys, "for the first holder");
    // The relay keeps messages in DB; the name lives in DB_2.
    expect(await countRows("messages", name)).toBe(1);
    const second = privateKeyToAccount(generatePrivateKey());
    const secondKeys = await handOver(name, second);
    // Same owner again: kept. A PATCH to a new owner, and a delete: gone.
    await submitTo(name, secondKeys, "for the second holder");
    expect((await adminPut(`/v1/names/${name}`, { owner: second.address, texts: { note: "same owner" } })).status).toBe(200);
    expect(await countRows("messages", name)).toBe(1);
    // (Fresh keys: the first holder's old profile is superseded and would be refused as a rollback.)
    const returningKeys = generateDm3Keys();
    const patch = { owner: first.address, dm3Profile: await signUserProfile(first, profileFor(returningKeys)) };
    expect((await call(`/v1/names/${name}`, { method: "PATCH", headers: admin, body: JSON.stringify(patch) })).status).toBe(200);
    expect(await countRows("messages", name)).toBe(0);
    await submitTo(name, returningKeys, "for the first holder, again");
    expect((await call(`/v1/names/${name}`, { method: "PATCH", headers: admin, body: JSON.stringify({ texts: { note: "same owner" } }) })).status).toBe(200);
    expect(await countRows("messages", name)).toBe(1);
    expect((await call(`/v1/names/${name}`, { method: "DELETE", headers: admin })).status).toBe(200);
    expect(await countRows("messages", name)).toBe(0);
  });
});
