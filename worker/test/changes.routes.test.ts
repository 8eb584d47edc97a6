import { env } from "cloudflare:test";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { beforeAll, describe, expect, test } from "vitest";
import type { ChangesPage, ChangeView } from "../src/registry/apiTypes";
import { signUserProfile } from "../src/protocol/dm3/profile";
import { signNameWrite } from "../src/protocol/nameWriteTypedData";
import { decodeAbiParameters, type Hex } from "viem";
import { ADMIN_TOKEN, adminPut, alice, call, createKey, expectError, RESOLVER, resolveCallData, TEST_PROFILE } from "./fixtures";
import { follow, page, rebuild } from "./feedFixtures";
import { TEST_DS_URL } from "./testSecrets";

const DOMAIN = "feed.eth";
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" };
const inAMinute = () => Math.floor(Date.now() / 1000) + 60;

beforeAll(async () => {
  expect((await adminPut(`/v1/domains/${DOMAIN}`, { resolverAddress: RESOLVER, chainId: 31337, allowAddressNames: true })).status).toBe(200);
});

describe("GET /v1/changes", () => {
  test("every create, update and delete of a name, in commit order, each put with the name's whole public state", async () => {
    const start = (await page(`domain=${DOMAIN}`)).cursor;
    expect((await adminPut(`/v1/names/a.${DOMAIN}`, { owner: alice.address, texts: { url: "https://a" } })).status).toBe(200);
    const patched = await call(`/v1/names/a.${DOMAIN}`, { method: "PATCH", headers: admin, body: JSON.stringify({ texts: { bio: "hi" }, contenthash: null }) });
    expect(patched.status).toBe(200);
    expect((await call(`/v1/names/a.${DOMAIN}`, { method: "DELETE", headers: admin })).status).toBe(200);
    const { changes } = await follow(DOMAIN, 50, start);
    expect(changes.map((change) => change.kind)).toEqual(["put", "put", "delete"]);
    const [created, updated, deleted] = changes as [ChangeView & { kind: "put" }, ChangeView & { kind: "put" }, ChangeView];
    expect(created).toMatchObject({
      name: `a.${DOMAIN}`,
      domain: DOMAIN,
      owner: alice.address,
      texts: { url: "https://a" },
      addresses: { "60": alice.address.toLowerCase() },
    });
    expect(updated.texts).toEqual({ url: "https://a", bio: "hi" });
    expect(deleted).toEqual({ kind: "delete", name: `a.${DOMAIN}`, domain: DOMAIN, atSeconds: deleted.atSeconds, cursor: deleted.cursor });
    expect(created.atSeconds).toBeGreaterThan(0);
  });

  test("bulk imports, owner-signed writes and dm3's sign-up route appear too; the DM3 profile as the API shows it", async () => {
    const start = (await page(`domain=${DOMAIN}`)).cursor;
    const key = await createKey(DOMAIN);
    const bulk = await call(`/v1/domains/${DOMAIN}/names/bulk`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key.key}`, "Content-Type": "application/json" },
      body: JSON.stringify({ names: ["b1", "b2", "b3"].map((label) => ({ name: `${label}.${DOMAIN}`, owner: alice.address, texts: { label } })) }),
    });
    expect(bulk.status).toBe(200);
    const owner = privateKeyToAccount(generatePrivateKey());
    const dm3Profile = await signUserProfile(owner, TEST_PROFILE);
    const name = `${owner.address.toLowerCase()}.${DOMAIN}`;
    const write = { action: "put" as const, records: { owner: owner.address, dm3Profile }, nonce: 1, expiry: inAMinute() };
    const signature = await signNameWrite(owner, { chainId: 31337, resolverAddress: RESOLVER }, name, write);
    expect((await call(`/v1/names/${name}/signed`, { method: "POST", body: JSON.stringify({ ...write, signature }) })).status).toBe(200);
    const signUp = privateKeyToAccount(generatePrivateKey());
    const signedUserProfile = await signUserProfile(signUp, TEST_PROFILE);
    const posted = await call("/profile/address", { method: "POST", body: JSON.stringify({ signedUserProfile, address: signUp.address, subdomain: DOMAIN }) });
    expect(posted.status).toBe(200);
    const { changes } = await follow(DOMAIN, 2, start);
    expect(changes.map((change) => change.name).sort()).toEqual(
      [`b1.${DOMAIN}`, `b2.${DOMAIN}`, `b3.${DOMAIN}`, name, `${signUp.address.toLowerCase()}.${DOMAIN}`].sort(),
    );
    const signed = changes.find((change) => change.name === name);
    expect(signed).toMatchObject({ kind: "put", owner: owner.address, dm3Profile, texts: {} });
  });

  test("a refused write leaves no change behind (stale nonce, superseded profile, unknown name)", async () => {
    const owner = privateKeyToAccount(generatePrivateKey());
    const name = `${owner.address.toLowerCase()}.${DOMAIN}`;
    const send = async (nonce: number, dm3Profile: unknown) => {
      const write = { action: "put" as const, records: { owner: owner.address, dm3Profile }, nonce, expiry: inAMinute() };
      const signature = await signNameWrite(owner, { chainId: 31337, resolverAddress: RESOLVER }, name, write as never);
      return call(`/v1/names/${name}/signed`, { method: "POST", body: JSON.stringify({ ...write, signature }) });
    };
    const first = await signUserProfile(owner, TEST_PROFILE);
    const second = await signUserProfile(owner, { ...TEST_PROFILE, deliveryServices: ["ds2.feed.eth"] });
    expect((await send(1, first)).status).toBe(200);
    expect((await send(2, second)).status).toBe(200);
    const before = (await page(`domain=${DOMAIN}`)).cursor;
    const rows = async () => ((await env.DB.prepare("SELECT count(*) AS count FROM name_changes").first<{ count: number }>()) as { count: number }).count;
    const countBefore = await rows();
    await expectError(await send(2, second), 409, "stale_nonce");
    await expectError(await send(3, first), 409, "superseded_profile");
    await expectError(await call(`/v1/names/nobody.${DOMAIN}`, { method: "DELETE", headers: admin }), 404, "name_not_found");
    expect(await rows()).toBe(countBefore);
    expect((await follow(DOMAIN, 10, before)).changes).toEqual([]);
  });

  test("a consumer that follows from the beginning rebuilds exactly what the registry serves", async () => {
    for (const label of ["r1", "r2", "r3"])
      expect((await adminPut(`/v1/names/${label}.${DOMAIN}`, { owner: alice.address, texts: { label } })).status).toBe(200);
    expect((await call(`/v1/names/r2.${DOMAIN}`, { method: "DELETE", headers: admin })).status).toBe(200);
    const rebuilt = rebuild((await follow(DOMAIN, 3)).changes);
    const listed = (await (await call(`/v1/domains/${DOMAIN}/names?limit=500`)).json()) as { items: { name: string }[] };
    expect([...rebuilt.keys()].sort()).toEqual(listed.items.map((item) => item.name).sort());
    for (const name of rebuilt.keys()) expect(rebuilt.get(name)).toEqual(await (await call(`/v1/names/${name}`)).json());
  });

  test("pages by cursor: each change carries the position after it, the last page's cursor polls for new ones", async () => {
    const all = (await follow(DOMAIN, 500)).changes;
    const stepwise = await follow(DOMAIN, 1);
    expect(stepwise.changes).toEqual(all);
    // Resuming from any change's cursor gives exactly the rest.
    const middle = Math.floor(all.length / 2);
    expect((await follow(DOMAIN, 7, all[middle]?.cursor)).changes).toEqual(all.slice(middle + 1));
    // Caught up: nothing new, the same cursor, until the next write.
    const idle = await page(`domain=${DOMAIN}&after=${stepwise.cursor}`);
    expect(idle).toEqual({ changes: [], cursor: stepwise.cursor, more: false });
    expect((await adminPut(`/v1/names/late.${DOMAIN}`, { owner: alice.address })).status).toBe(200);
    expect((await page(`domain=${DOMAIN}&after=${stepwise.cursor}`)).changes.map((change) => change.name)).toEqual([`late.${DOMAIN}`]);
  });

  test("carries nothing that is a tenant's secret: no actor, key id or webhook", async () => {
    const key = await createKey(DOMAIN);
    const put = await call(`/v1/names/secret.${DOMAIN}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${key.key}`, "Content-Type": "application/json" },
      body: JSON.stringify({ owner: alice.address }),
    });
    expect(put.status).toBe(200);
    const text = await (await call("/v1/changes?limit=500")).text();
    expect(text).not.toContain(key.id);
    expect(text).not.toContain("dm3k_");
    expect(text).not.toContain("actor");
  });

  test("bad parameters are 4xx JSON naming the problem", async () => {
    for (const after of ["abc", "-1", "1.5", "DB:", "DB:1,DB:2", "9DB:1"]) {
      expect(await expectError(await call(`/v1/changes?after=${encodeURIComponent(after)}`), 400, "invalid_input")).toContain("after");
    }
    for (const limit of ["0", "501", "x"]) expect(await expectError(await call(`/v1/changes?limit=${limit}`), 400, "invalid_input")).toContain("limit");
    // zod's English messages, not a bare "Invalid input".
    expect(await expectError(await call("/v1/changes?limit=501"), 400, "invalid_input")).toBe("limit: Too big: expected number to be <=500");
    await expectError(await call("/v1/changes?domain=nowhere.eth"), 404, "unknown_domain");
    await expectError(await call("/v1/changes?since=1"), 400, "invalid_input");
  });
});

describe("where a domain's names are published", () => {
  /** The text record `key` of `name` through the gateway (signature checks are the CCIP tests'). */
  async function text(name: string, key: string): Promise<string> {
    const response = await call(`/ccip/${RESOLVER}/${resolveCallData(name, { functionName: "text", key })}.json`);
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: Hex };
    const [result] = decodeAbiParameters([{ type: "bytes" }, { type: "uint64" }, { type: "bytes" }], data);
    return decodeAbiParameters([{ type: "string" }], result)[0];
  }

  test("the domain's own name answers registry.changes and registry.names with URLs under DS_URL that work", async () => {
    const feedUrl = await text(DOMAIN, "registry.changes");
    expect(feedUrl).toBe(`${TEST_DS_URL}/v1/changes?domain=${DOMAIN}`);
    expect(await text(DOMAIN, "registry.names")).toBe(`${TEST_DS_URL}/v1/domains/${DOMAIN}/names`);
    const { pathname, search } = new URL(feedUrl);
    expect(((await (await call(`${pathname}${search}`)).json()) as ChangesPage).changes.length).toBeGreaterThan(0);
  });

  test("subnames and other keys do not", async () => {
    expect(await text(`late.${DOMAIN}`, "registry.changes")).toBe("");
    expect(await text(DOMAIN, "registry.other")).toBe("");
  });
});
