import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { beforeAll, describe, expect, test } from "vitest";
import { signUserProfile } from "../src/protocol/dm3/profile";
import { type NameWriteRequest, signNameWrite } from "../src/protocol/nameWriteTypedData";
import { ADMIN_TOKEN, RESOLVER, TEST_PROFILE, adminPut, alice, call, expectError } from "./fixtures";

const CHAIN_ID = 31337;
const domain = { chainId: CHAIN_ID, resolverAddress: RESOLVER };
const bob = privateKeyToAccount(generatePrivateKey());
const profile = TEST_PROFILE;
const inAMinute = () => Math.floor(Date.now() / 1000) + 60;
const aliceName = `${alice.address.toLowerCase()}.open.eth`;

beforeAll(async () => {
  for (const [name, allowAddressNames] of [
    ["open.eth", true],
    ["closed.eth", false],
  ] as const) {
    const response = await adminPut(`/v1/domains/${name}`, { resolverAddress: RESOLVER, chainId: CHAIN_ID, allowAddressNames });
    expect(response.status).toBe(200);
  }
});

async function send(name: string, write: NameWriteRequest, signature: `0x${string}`) {
  return call(`/v1/names/${name}/signed`, { method: "POST", body: JSON.stringify({ ...write, signature }) });
}

async function signAndSend(account: typeof alice, name: string, write: NameWriteRequest, signingDomain = domain) {
  return send(name, write, await signNameWrite(account, signingDomain, name, write));
}

const records = async (owner = alice) => ({ owner: owner.address, texts: { url: "https://alice.example" }, dm3Profile: await signUserProfile(owner, profile) });

describe("user-signed writes (EIP-712)", () => {
  test("anyone registers their own address name where the domain allows it", async () => {
    const response = await signAndSend(alice, aliceName, { action: "put", records: await records(), nonce: 1, expiry: inAMinute() });
    expect(response.status).toBe(200);
    expect(await (await call(`/v1/names/${aliceName}`)).json()).toMatchObject({ owner: alice.address, texts: { url: "https://alice.example" } });
  });

  test("the audit trail names the signing address", async () => {
    const response = await call("/v1/domains/open.eth/audit", { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    const { items } = (await response.json()) as { items: { actor: string; subject: string }[] };
    expect(items.find((item) => item.subject === aliceName)?.actor).toBe(`address:${alice.address}`);
  });

  test("refuses a replay of the same signed write", async () => {
    const write: NameWriteRequest = { action: "put", records: { owner: alice.address, texts: { v: "2" } }, nonce: 2, expiry: inAMinute() };
    const signature = await signNameWrite(alice, domain, aliceName, write);
    expect((await send(aliceName, write, signature)).status).toBe(200);
    await expectError(await send(aliceName, write, signature), 409, "stale_nonce");
  });

  test("accepts exactly one of concurrent writes that share a nonce", async () => {
    const writes = Array.from(
      { length: 6 },
      (_, index): NameWriteRequest => ({
        action: "put",
        records: { owner: alice.address, texts: { race: String(index) } },
        nonce: 3,
        expiry: inAMinute(),
      }),
    );
    const signatures = await Promise.all(writes.map((write) => signNameWrite(alice, domain, aliceName, write)));
    const responses = await Promise.all(writes.map((write, index) => send(aliceName, write, signatures[index]!)));
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
  });

  test("refuses a stale nonce", async () => {
    const response = await signAndSend(alice, aliceName, { action: "put", records: { owner: alice.address }, nonce: 1, expiry: inAMinute() });
    expect(await expectError(response, 409, "stale_nonce")).toContain("greater than 3");
  });

  test("refuses an expired signature", async () => {
    const expiry = Math.floor(Date.now() / 1000) - 1;
    await expectError(await signAndSend(alice, aliceName, { action: "put", records: { owner: alice.address }, nonce: 10, expiry }), 401, "signature_expired");
  });

  test("refuses an expiry too far ahead", async () => {
    const expiry = Math.floor(Date.now() / 1000) + 7 * 24 * 3600;
    await expectError(await signAndSend(alice, aliceName, { action: "put", records: { owner: alice.address }, nonce: 10, expiry }), 400, "invalid_input");
  });

  test.each([
    ["another chain", { chainId: 1, resolverAddress: RESOLVER }],
    ["another resolver", { chainId: CHAIN_ID, resolverAddress: "0x000000000000000000000000000000000000bEEF" as const }],
  ])("refuses a signature for %s", async (_, signingDomain) => {
    const response = await signAndSend(alice, aliceName, { action: "put", records: { owner: alice.address }, nonce: 11, expiry: inAMinute() }, signingDomain);
    await expectError(response, 403, "forbidden");
  });

  test("refuses a signature over other records than those sent (forgery)", async () => {
    const signed: NameWriteRequest = { action: "put", records: { owner: alice.address, texts: { a: "1" } }, nonce: 12, expiry: inAMinute() };
    const signature = await signNameWrite(alice, domain, aliceName, signed);
    await expectError(await send(aliceName, { ...signed, records: { owner: alice.address, texts: { a: "evil" } } }, signature), 403, "forbidden");
    await expectError(await send(aliceName, signed, "0x1234"), 400, "invalid_input");
  });

  test("refuses writes to someone else's name", async () => {
    const response = await signAndSend(bob, aliceName, { action: "put", records: { owner: bob.address }, nonce: 13, expiry: inAMinute() });
    expect(await expectError(response, 403, "forbidden")).toContain(bob.address);
  });

  test("refuses registering another address's name or a plain label", async () => {
    for (const name of [`${alice.address.toLowerCase()}.open.eth`, "bobby.open.eth"]) {
      const response = await signAndSend(bob, name, { action: "put", records: { owner: bob.address }, nonce: 1, expiry: inAMinute() });
      await expectError(response, 403, "forbidden");
    }
  });

  test("refuses address names where the domain does not allow them", async () => {
    const name = `${bob.address.toLowerCase()}.closed.eth`;
    const response = await signAndSend(bob, name, { action: "put", records: { owner: bob.address }, nonce: 1, expiry: inAMinute() });
    await expectError(response, 403, "forbidden");
  });

  test("refuses giving an address name to another owner", async () => {
    const name = `${bob.address.toLowerCase()}.open.eth`;
    const response = await signAndSend(bob, name, { action: "put", records: { owner: alice.address }, nonce: 1, expiry: inAMinute() });
    await expectError(response, 403, "forbidden");
  });

  test("lets the owner of a service-registered name update it without the service", async () => {
    await adminPut("/v1/names/carol.closed.eth", { owner: bob.address, texts: { by: "service" } });
    const write: NameWriteRequest = { action: "put", records: { owner: bob.address, texts: { by: "carol" } }, nonce: 1, expiry: inAMinute() };
    const response = await signAndSend(bob, "carol.closed.eth", write, domain);
    expect(response.status).toBe(200);
    expect(((await (await call("/v1/names/carol.closed.eth")).json()) as { texts: unknown }).texts).toEqual({ by: "carol" });
    const nonce = (await (await call("/v1/names/carol.closed.eth/nonce")).json()) as { nonce: number; typedData: { domain: { chainId: number } } };
    expect(nonce.nonce).toBe(1);
    expect(nonce.typedData.domain.chainId).toBe(CHAIN_ID);
  });

  test("lets the owner delete, and refuses the delete's replay", async () => {
    const write: NameWriteRequest = { action: "delete", nonce: 2, expiry: inAMinute() };
    const signature = await signNameWrite(bob, domain, "carol.closed.eth", write);
    expect((await send("carol.closed.eth", write, signature)).status).toBe(200);
    expect((await call("/v1/names/carol.closed.eth")).status).toBe(404);
    await expectError(await send("carol.closed.eth", write, signature), 404, "name_not_found");
  });

  test("refuses a put without records and a delete with them", async () => {
    const signature = "0x00";
    await expectError(await send(aliceName, { action: "put", nonce: 20, expiry: inAMinute() }, signature), 400, "invalid_input");
    await expectError(await send(aliceName, { action: "delete", records: {}, nonce: 20, expiry: inAMinute() }, signature), 400, "invalid_input");
  });
});
