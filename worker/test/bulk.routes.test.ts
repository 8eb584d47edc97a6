import { beforeAll, describe, expect, test } from "vitest";
import { signUserProfile } from "../src/protocol/dm3/profile";
import { ADMIN_TOKEN, SENDER, TEST_PROFILE, alice, call, registerDomain } from "./fixtures";

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const profile = TEST_PROFILE;

type BulkResult = { results: { name: string; ok: boolean; code?: string }[]; succeeded: number; failed: number };

const bulk = async (domain: string, names: unknown[]) =>
  call(`/v1/domains/${domain}/names/bulk`, { method: "POST", headers: admin, body: JSON.stringify({ names }) });

beforeAll(async () => {
  await registerDomain("bulk.eth");
  await registerDomain("copy.eth");
  await registerDomain("sets.eth");
});

describe("POST /v1/domains/{domain}/names/bulk", () => {
  test("writes good items and reports each bad one, without blocking the others", async () => {
    const signed = await signUserProfile(alice, profile);
    const response = await bulk("bulk.eth", [
      { name: "good1.bulk.eth", owner: SENDER, texts: { a: "1" } },
      { name: "Bad.bulk.eth", owner: SENDER },
      { name: "good2.bulk.eth", owner: alice.address, dm3Profile: signed },
      { name: "forged.bulk.eth", owner: SENDER, dm3Profile: signed },
      { name: "elsewhere.copy.eth", owner: SENDER },
      { name: "noowner.bulk.eth" },
      { name: "good3.bulk.eth", owner: SENDER, addresses: { "60": "0x12" } },
    ]);
    expect(response.status).toBe(200);
    const result = (await response.json()) as BulkResult;
    expect(result.results.map((item) => [item.name, item.ok, item.code])).toEqual([
      ["good1.bulk.eth", true, undefined],
      ["Bad.bulk.eth", false, "name_not_normalized"],
      ["good2.bulk.eth", true, undefined],
      ["forged.bulk.eth", false, "invalid_profile_signature"],
      ["elsewhere.copy.eth", false, "forbidden"],
      ["noowner.bulk.eth", false, "invalid_input"],
      ["good3.bulk.eth", false, "invalid_input"],
    ]);
    expect([result.succeeded, result.failed]).toEqual([2, 5]);
    expect((await call("/v1/names/good1.bulk.eth")).status).toBe(200);
    expect((await call("/v1/names/forged.bulk.eth")).status).toBe(404);
  });

  test("is idempotent", async () => {
    const names = Array.from({ length: 60 }, (_, index) => ({ name: `idem${index}.bulk.eth`, owner: SENDER, texts: { i: String(index) } }));
    for (let round = 0; round < 2; round++) {
      const result = (await (await bulk("bulk.eth", names)).json()) as BulkResult;
      expect(result.succeeded).toBe(60);
    }
    const { env } = await import("cloudflare:test");
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM names WHERE name LIKE 'idem%'").first<number>("n");
    expect(count).toBe(60);
  });

  test("writes the same state as one name at a time: records replaced, the last of a name given twice wins, owners' history kept", async () => {
    const { env } = await import("cloudflare:test");
    await bulk("sets.eth", [{ name: "same.sets.eth", owner: SENDER, texts: { old: "x", keep: "1" }, addresses: { "60": SENDER } }]);
    const before = await env.DB.prepare("SELECT owner_since, owner_proof, version FROM names WHERE name = 'same.sets.eth'").first<{
      owner_since: number;
      version: number;
    }>();
    const result = (await (
      await bulk("sets.eth", [
        { name: "same.sets.eth", owner: SENDER, texts: { first: "1" } },
        { name: "twice.sets.eth", owner: SENDER, texts: { v: "first" } },
        { name: "same.sets.eth", owner: SENDER, texts: { keep: "2" } },
        { name: "twice.sets.eth", owner: SENDER, texts: { v: "second" } },
      ])
    ).json()) as BulkResult;
    expect(result.succeeded).toBe(4);
    const same = (await (await call("/v1/names/same.sets.eth")).json()) as { texts: Record<string, string>; addresses: Record<string, string> };
    expect(same.texts).toEqual({ keep: "2" });
    // Omitted addresses are replaced too: only the owner's default ETH address is left.
    expect(same.addresses).toEqual({ "60": SENDER.toLowerCase() });
    expect(((await (await call("/v1/names/twice.sets.eth")).json()) as { texts: Record<string, string> }).texts).toEqual({ v: "second" });
    const after = await env.DB.prepare("SELECT owner_since, version FROM names WHERE name = 'same.sets.eth'").first<{ owner_since: number; version: number }>();
    expect(after?.owner_since).toBe(before?.owner_since);
    expect(after?.version).toBeGreaterThan(before?.version ?? 0);
  });

  test("a name given to a new owner loses the previous owner's cached messages; a name kept by its owner keeps them", async () => {
    const { env } = await import("cloudflare:test");
    await bulk("sets.eth", [
      { name: "sold.sets.eth", owner: SENDER },
      { name: "kept.sets.eth", owner: SENDER },
    ]);
    for (const recipient of ["sold.sets.eth", "kept.sets.eth"]) {
      await env.DB.prepare("INSERT INTO messages (id, recipient, sender, message_hash, envelope, received_at_ms) VALUES (?, ?, 'x.eth', 'h', '{}', 0)")
        .bind(`m-${recipient}`, recipient)
        .run();
    }
    const result = (await (
      await bulk("sets.eth", [
        { name: "sold.sets.eth", owner: alice.address },
        { name: "kept.sets.eth", owner: SENDER, texts: { new: "record" } },
      ])
    ).json()) as BulkResult;
    expect(result.succeeded).toBe(2);
    const left = await env.DB.prepare("SELECT recipient FROM messages WHERE id LIKE 'm-%' ORDER BY recipient").all<{ recipient: string }>();
    expect(left.results.map((row) => row.recipient)).toEqual(["kept.sets.eth"]);
  });

  test("one item refused by the schema (a superseded profile) fails alone; the rest of the request is written", async () => {
    const first = await signUserProfile(alice, profile);
    const second = await signUserProfile(alice, { ...profile, deliveryServices: ["other.eth"] });
    await bulk("sets.eth", [{ name: "moved.sets.eth", owner: alice.address, dm3Profile: first }]);
    await bulk("sets.eth", [{ name: "moved.sets.eth", owner: alice.address, dm3Profile: second }]);
    const result = (await (
      await bulk("sets.eth", [
        { name: "fine1.sets.eth", owner: SENDER },
        { name: "moved.sets.eth", owner: alice.address, dm3Profile: first },
        { name: "fine2.sets.eth", owner: SENDER },
      ])
    ).json()) as BulkResult;
    expect(result.results.map((item) => [item.name, item.ok, item.code])).toEqual([
      ["fine1.sets.eth", true, undefined],
      ["moved.sets.eth", false, "superseded_profile"],
      ["fine2.sets.eth", true, undefined],
    ]);
  });

  test("refuses more than 1,000 items and an empty list", async () => {
    const tooMany = Array.from({ length: 1001 }, (_, index) => ({ name: `n${index}.bulk.eth`, owner: SENDER }));
    expect((await bulk("bulk.eth", tooMany)).status).toBe(400);
    expect((await bulk("bulk.eth", [])).status).toBe(400);
  });

  test("takes 1,000 names in one request", async () => {
    const names = Array.from({ length: 1000 }, (_, index) => ({ name: `k${index}.copy.eth`, owner: SENDER, texts: { n: String(index) } }));
    const result = (await (await bulk("copy.eth", names)).json()) as BulkResult;
    expect(result.succeeded).toBe(1000);
  });
});

describe("export → import", () => {
  test("round-trips a domain losslessly", async () => {
    const exported = await call("/v1/domains/bulk.eth/export", { headers: admin });
    expect(exported.status).toBe(200);
    expect(exported.headers.get("Content-Type")).toContain("application/x-ndjson");
    const text = new TextDecoder().decode(await exported.arrayBuffer());
    const lines = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { name: string; dm3Profile?: { signature: string } });
    expect(lines.length).toBe(62);
    const withProfile = lines.find((line) => line.name === "good2.bulk.eth");
    expect(withProfile?.dm3Profile?.signature).toMatch(/^0x/);

    // Re-import into an empty copy of the domain and compare exports.
    await call("/v1/domains/mirror.eth", { method: "PUT", headers: admin, body: JSON.stringify({ resolverAddress: SENDER, chainId: 1 }) });
    const renamed = lines.map((line) => ({ ...line, name: line.name.replace(/\.bulk\.eth$/, ".mirror.eth") }));
    const imported = (await (await bulk("mirror.eth", renamed)).json()) as BulkResult;
    expect(imported.failed).toBe(0);
    const mirrored = new TextDecoder().decode(await (await call("/v1/domains/mirror.eth/export", { headers: admin })).arrayBuffer());
    expect(mirrored.replaceAll(".mirror.eth", ".bulk.eth")).toBe(text);
  });

  test("streams large domains page by page", async () => {
    const text = new TextDecoder().decode(await (await call("/v1/domains/copy.eth/export", { headers: admin })).arrayBuffer());
    expect(text.trim().split("\n").length).toBe(1000);
  });

  test("requires a credential for the domain", async () => {
    expect((await call("/v1/domains/bulk.eth/export")).status).toBe(401);
  });
});
