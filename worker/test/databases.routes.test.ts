import { env } from "cloudflare:test";
import { decodeAbiParameters, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { namehash } from "viem/ens";
import { beforeAll, describe, expect, test } from "vitest";
import { signUserProfile } from "../src/protocol/dm3/profile";
import { ADMIN_TOKEN, adminPut, alice, call, createKey, expectError, RESOLVER, resolveCallData, TEST_PROFILE } from "./fixtures";

// Two local D1 databases (vitest.config.ts binds DB_2 and lists it in NAME_DATABASES): the
// directory and one.eth's names in DB, two.eth's names in DB_2.

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const countRows = async (d1: D1Database, sql: string, ...values: unknown[]) =>
  (
    (await d1
      .prepare(sql)
      .bind(...values)
      .first<{ count: number }>()) as { count: number }
  ).count;

beforeAll(async () => {
  expect((await adminPut("/v1/domains/one.eth", { resolverAddress: RESOLVER, chainId: 31337 })).status).toBe(200);
  const two = await adminPut("/v1/domains/two.eth", { resolverAddress: RESOLVER, chainId: 31337, database: "DB_2", allowAddressNames: true });
  expect(two.status).toBe(200);
  expect(await two.json()).toMatchObject({ name: "two.eth", database: "DB_2" });
  for (const name of ["a.one.eth", "z.one.eth"])
    expect((await adminPut(`/v1/names/${name}`, { owner: alice.address, texts: { url: `https://${name}` } })).status).toBe(200);
  for (const name of ["b.two.eth", "m.two.eth"])
    expect((await adminPut(`/v1/names/${name}`, { owner: alice.address, texts: { url: `https://${name}` } })).status).toBe(200);
});

describe("a domain → database map", () => {
  test("each domain's names, records and audit rows are stored only in its database; the directory knows both domains", async () => {
    expect(await countRows(env.DB, "SELECT count(*) AS count FROM names WHERE domain = ?", "one.eth")).toBe(2);
    expect(await countRows(env.DB, "SELECT count(*) AS count FROM names WHERE domain = ?", "two.eth")).toBe(0);
    expect(await countRows(env.DB_2, "SELECT count(*) AS count FROM names WHERE domain = ?", "two.eth")).toBe(2);
    expect(await countRows(env.DB_2, "SELECT count(*) AS count FROM names WHERE domain = ?", "one.eth")).toBe(0);
    expect(await countRows(env.DB_2, "SELECT count(*) AS count FROM text_records WHERE node = ?", namehash("b.two.eth"))).toBe(1);
    expect(await countRows(env.DB_2, "SELECT count(*) AS count FROM audit_log WHERE domain = ? AND subject = ?", "two.eth", "b.two.eth")).toBe(1);
    expect(await countRows(env.DB, "SELECT count(*) AS count FROM audit_log WHERE subject = ?", "b.two.eth")).toBe(0);
    // The directory serves both; DB_2 only holds two.eth's row, for its names' foreign keys.
    expect(await countRows(env.DB, "SELECT count(*) AS count FROM domains WHERE name IN ('one.eth', 'two.eth')")).toBe(2);
    expect(await countRows(env.DB_2, "SELECT count(*) AS count FROM domains WHERE name = 'two.eth'")).toBe(1);
    expect(await countRows(env.DB_2, "SELECT count(*) AS count FROM domains WHERE name = 'one.eth'")).toBe(0);
  });

  test("the gateway answers from the name's database", async () => {
    for (const name of ["a.one.eth", "b.two.eth"]) {
      const callData = resolveCallData(name, { functionName: "text", key: "url" });
      const response = await call(`/ccip/${RESOLVER}/${callData}.json`);
      expect(response.status).toBe(200);
      const { data } = (await response.json()) as { data: Hex };
      const [result] = decodeAbiParameters([{ type: "bytes" }, { type: "uint64" }, { type: "bytes" }], data);
      expect(decodeAbiParameters([{ type: "string" }], result)[0]).toBe(`https://${name}`);
    }
  });

  test("reads, writes, nonces, listing and export of a domain use its database", async () => {
    const key = await createKey("two.eth");
    const headers = { Authorization: `Bearer ${key.key}`, "Content-Type": "application/json" };
    const patched = await call("/v1/names/m.two.eth", { method: "PATCH", headers, body: JSON.stringify({ texts: { description: "patched" } }) });
    expect(patched.status).toBe(200);
    expect(await (await call("/v1/names/m.two.eth")).json()).toMatchObject({ texts: { url: "https://m.two.eth", description: "patched" } });
    expect(await countRows(env.DB_2, "SELECT count(*) AS count FROM text_records WHERE node = ? AND key = 'description'", namehash("m.two.eth"))).toBe(1);
    const listed = (await (await call("/v1/domains/two.eth/names")).json()) as { items: { name: string }[] };
    expect(listed.items.map((item) => item.name)).toEqual(["b.two.eth", "m.two.eth"]);
    const exported = await (await call("/v1/domains/two.eth/export", { headers })).text();
    expect(
      exported
        .trim()
        .split("\n")
        .map((line) => (JSON.parse(line) as { name: string }).name),
    ).toEqual(["b.two.eth", "m.two.eth"]);
    expect(await (await call("/v1/names/b.two.eth/nonce")).json()).toMatchObject({ nonce: 0, owner: alice.address });
    const bulk = await call("/v1/domains/two.eth/names/bulk", {
      method: "POST",
      headers,
      body: JSON.stringify({ names: [{ name: "bulk.two.eth", owner: alice.address, texts: { url: "https://bulk" } }] }),
    });
    expect(bulk.status).toBe(200);
    expect(await countRows(env.DB_2, "SELECT count(*) AS count FROM names WHERE name = 'bulk.two.eth'")).toBe(1);
    const deleted = await call("/v1/names/bulk.two.eth", { method: "DELETE", headers });
    expect(deleted.status).toBe(200);
    expect(await countRows(env.DB_2, "SELECT count(*) AS count FROM names WHERE name = 'bulk.two.eth'")).toBe(0);
    await expectError(await call("/v1/names/bulk.two.eth"), 404, "name_not_found");
  });

  test("an owner's names are listed across databases in name order, page by page", async () => {
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await call(`/v1/addresses/${alice.address}/names?limit=1${cursor ? `&cursor=${cursor}` : ""}`)).json()) as {
        items: { name: string }[];
        nextCursor: string | null;
      };
      expect(page.items.length).toBeLessThanOrEqual(1);
      names.push(...page.items.map((item) => item.name));
      cursor = page.nextCursor;
    } while (cursor);
    const ours = names.filter((name) => name.endsWith(".one.eth") || name.endsWith(".two.eth"));
    expect(ours).toEqual(["a.one.eth", "b.two.eth", "m.two.eth", "z.one.eth"]);
    expect(names).toEqual([...names].sort());
  });

  test("dm3's reverse lookup finds a proven name in either database", async () => {
    const owner = privateKeyToAccount(generatePrivateKey());
    const signedUserProfile = await signUserProfile(owner, TEST_PROFILE);
    const posted = await call("/profile/address", {
      method: "POST",
      body: JSON.stringify({ signedUserProfile, address: owner.address, subdomain: "two.eth" }),
    });
    expect(posted.status).toBe(200);
    expect(await (await call(`/profile/name/${owner.address}`)).json()).toEqual({ name: `${owner.address.toLowerCase()}.two.eth` });
    expect(await (await call(`/profile/${owner.address}`)).json()).toEqual(signedUserProfile);
  });

  test("the audit trail merges the directory's rows (keys) and the names database's rows, newest first, page by page", async () => {
    const actions: string[] = [];
    const times: number[] = [];
    let cursor: string | null = null;
    do {
      const response = await call(`/v1/domains/two.eth/audit?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { headers: admin });
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: { action: string; subject: string; atSeconds: number }[]; nextCursor: string | null };
      actions.push(...page.items.map((item) => `${item.action} ${item.subject}`));
      times.push(...page.items.map((item) => item.atSeconds));
      cursor = page.nextCursor;
      if (cursor) expect(cursor).toMatch(/^\d*:\d*$/);
    } while (cursor);
    expect(actions.some((action) => action.startsWith("key.create "))).toBe(true);
    for (const subject of ["b.two.eth", "m.two.eth", "bulk.two.eth"]) expect(actions).toContain(`name.put ${subject}`);
    expect(actions).toContain("name.delete bulk.two.eth");
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(actions.length).toBe(
      (await countRows(env.DB, "SELECT count(*) AS count FROM audit_log WHERE domain = 'two.eth'")) +
        (await countRows(env.DB_2, "SELECT count(*) AS count FROM audit_log WHERE domain = 'two.eth'")),
    );
    // A single database's cursor is not one of this domain's, and the reverse.
    await expectError(await call("/v1/domains/two.eth/audit?cursor=5", { headers: admin }), 400, "invalid_input");
    await expectError(await call("/v1/domains/one.eth/audit?cursor=5:3", { headers: admin }), 400, "invalid_input");
  });
});

describe("the change feed over two databases", () => {
  test("merges both databases' changes, each in its own commit order; the cursor names a position per database", async () => {
    type Change = { kind: string; name: string; cursor: string };
    const changes: Change[] = [];
    let after = "";
    for (;;) {
      const response = await call(`/v1/changes?limit=3${after ? `&after=${after}` : ""}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { changes: Change[]; cursor: string; more: boolean };
      expect(page.cursor).toMatch(/^DB:\d+,DB_2:\d+$/);
      changes.push(...page.changes);
      after = page.cursor;
      if (!page.more) break;
    }
    const ours = changes.filter((change) => /\.(one|two)\.eth$/.test(change.name));
    const live = new Set<string>();
    for (const change of ours) change.kind === "delete" ? live.delete(change.name) : live.add(change.name);
    const served = [
      ...((await (await call("/v1/domains/one.eth/names?limit=500")).json()) as { items: { name: string }[] }).items,
      ...((await (await call("/v1/domains/two.eth/names?limit=500")).json()) as { items: { name: string }[] }).items,
    ].map((item) => item.name);
    expect([...live].sort()).toEqual(served.sort());
    // Per domain, only its database is read.
    const two = (await (await call("/v1/changes?domain=two.eth&limit=500")).json()) as { changes: Change[]; cursor: string };
    expect(two.cursor).toMatch(/^DB_2:\d+$/);
    expect(two.changes.every((change) => change.name.endsWith("two.eth"))).toBe(true);
  });
});

describe("placement", () => {
  test("an unknown binding is 400; moving a registered domain is 409; re-registering with its own database is fine", async () => {
    const message = await expectError(
      await adminPut("/v1/domains/three.eth", { resolverAddress: RESOLVER, chainId: 31337, database: "DB_9" }),
      400,
      "invalid_input",
    );
    expect(message).toContain("DB_9");
    await expectError(await adminPut("/v1/domains/two.eth", { resolverAddress: RESOLVER, chainId: 31337, database: "DB" }), 409, "database_placement");
    expect((await adminPut("/v1/domains/two.eth", { resolverAddress: RESOLVER, chainId: 31337, database: "DB_2" })).status).toBe(200);
    expect((await adminPut("/v1/domains/two.eth", { resolverAddress: RESOLVER, chainId: 31337 })).status).toBe(200);
    expect(await countRows(env.DB, "SELECT count(*) AS count FROM domains WHERE name = 'two.eth' AND database = 'DB_2'")).toBe(1);
  });

  test("a domain nested in (or around) another shares its database", async () => {
    await expectError(await adminPut("/v1/domains/sub.two.eth", { resolverAddress: RESOLVER, chainId: 31337, database: "DB" }), 409, "database_placement");
    const nested = await adminPut("/v1/domains/sub.two.eth", { resolverAddress: RESOLVER, chainId: 31337 });
    expect(nested.status).toBe(200);
    expect(await nested.json()).toMatchObject({ database: "DB_2" });
    // Names in the way of a new sub-domain are found in the database they are in.
    expect((await adminPut("/v1/names/x.deep.two.eth", { owner: alice.address })).status).toBe(200);
    await expectError(await adminPut("/v1/domains/deep.two.eth", { resolverAddress: RESOLVER, chainId: 31337 }), 409, "domain_has_names");
  });
});

describe("bookmarks per database", () => {
  test("a write answers each touched database's bookmark; sent back, the client reads its writes; malformed ones are 400", async () => {
    const written = await adminPut("/v1/names/bm.two.eth", { owner: alice.address });
    expect(written.status).toBe(200);
    const header = written.headers.get("X-D1-Bookmark") ?? "";
    expect(header).toMatch(/(^|, )DB_2=[0-9a-f-]+/i);
    const read = await call("/v1/names/bm.two.eth", { headers: { "X-D1-Bookmark": header } });
    expect(read.status).toBe(200);
    for (const bad of ["DB_2=", "DB_2=zz", "1-2,1-3", "DB_2=1-2, DB_2=1-3", "9x=1-2"]) {
      await expectError(await call("/v1/names/bm.two.eth", { headers: { "X-D1-Bookmark": bad } }), 400, "invalid_input");
    }
  });
});
