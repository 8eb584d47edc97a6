import { beforeAll, describe, expect, test } from "vitest";
import { ADMIN_TOKEN, SENDER, adminPut, call, createKey, expectError, registerDomain } from "./fixtures";

const OWNER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
let demoKey: string;
let otherDomainKey: string;
let revokedKey: string;
let expiredKey: string;

function putWithKey(name: string, key: string | undefined, body: unknown = { owner: OWNER }) {
  return call(`/v1/names/${name}`, {
    method: "PUT",
    headers: key === undefined ? {} : { Authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
}

/** The random part of `dm3k_<16 hex id>_<secret>`. */
const secretOf = (key: string) => key.slice("dm3k_".length + 16 + 1);

beforeAll(async () => {
  await registerDomain("demo.eth");
  await registerDomain("other.eth");
  demoKey = (await createKey("demo.eth")).key;
  otherDomainKey = (await createKey("other.eth")).key;
  const revoked = await createKey("demo.eth");
  const revoke = await call(`/v1/keys/${revoked.id}`, { method: "DELETE", headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(revoke.status).toBe(200);
  revokedKey = revoked.key;
  expiredKey = (await createKey("demo.eth", { label: "short", expiresAtSeconds: Math.floor(Date.now() / 1000) - 1 })).key;
});

describe("service API keys", () => {
  test("are shown once, start with dm3k_, and are listed without secrets", async () => {
    expect(demoKey).toMatch(/^dm3k_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const response = await call("/v1/domains/demo.eth/keys", { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    const { items } = (await response.json()) as { items: Record<string, unknown>[] };
    expect(items.length).toBe(3);
    for (const item of items) {
      expect(item).not.toHaveProperty("key");
      expect(item).not.toHaveProperty("secretHash");
      expect(JSON.stringify(item)).not.toContain(secretOf(demoKey));
    }
  });

  test("are stored only as a hash", async () => {
    const { env } = await import("cloudflare:test");
    const rows = await env.DB.prepare("SELECT * FROM api_keys").all();
    expect(JSON.stringify(rows.results)).not.toContain(demoKey);
    expect(JSON.stringify(rows.results)).not.toContain(secretOf(demoKey));
  });
});

describe("authorization matrix for PUT /v1/names/{name}", () => {
  test.each([
    ["no credential", undefined, 401, "unauthorized"],
    ["a wrong admin token", "not-the-token", 401, "unauthorized"],
    ["an unknown API key", "dm3k_0000000000000000_AAAA", 401, "unauthorized"],
  ])("refuses %s", async (_, key, status, code) => {
    await expectError(await putWithKey("x.demo.eth", key), status, code);
  });

  test("refuses another domain's key with 403", async () => {
    expect(await expectError(await putWithKey("x.demo.eth", otherDomainKey), 403, "forbidden")).toContain("other.eth");
  });

  test("refuses a revoked key", async () => {
    expect(await expectError(await putWithKey("x.demo.eth", revokedKey), 401, "unauthorized")).toContain("revoked");
  });

  test("refuses an expired key", async () => {
    expect(await expectError(await putWithKey("x.demo.eth", expiredKey), 401, "unauthorized")).toContain("expired");
  });

  test("refuses an API key in the query string", async () => {
    const response = await call(`/v1/names/x.demo.eth?key=${demoKey}`, { method: "PUT", body: JSON.stringify({ owner: OWNER }) });
    await expectError(response, 401, "unauthorized");
  });

  test("accepts the domain's own key and the admin token", async () => {
    expect((await putWithKey("keyed.demo.eth", demoKey)).status).toBe(200);
    expect((await adminPut("admin.demo.eth", { owner: OWNER })).status).toBe(404); // path without /v1: no route
    expect((await adminPut("/v1/names/admin.demo.eth", { owner: OWNER })).status).toBe(200);
  });

  test("keeps keys away from admin-only routes", async () => {
    const headers = { Authorization: `Bearer ${demoKey}` };
    await expectError(await call("/v1/domains/demo.eth/keys", { headers }), 403, "forbidden");
    await expectError(await call("/v1/domains/demo.eth/audit", { headers }), 403, "forbidden");
    await expectError(
      await call("/v1/domains/evil.eth", { method: "PUT", headers, body: JSON.stringify({ resolverAddress: SENDER, chainId: 1 }) }),
      403,
      "forbidden",
    );
  });

  test("lets a key delete and patch only its domain's names", async () => {
    await adminPut("/v1/names/victim.other.eth", { owner: OWNER });
    const headers = { Authorization: `Bearer ${demoKey}` };
    await expectError(await call("/v1/names/victim.other.eth", { method: "DELETE", headers }), 403, "forbidden");
    await expectError(await call("/v1/names/victim.other.eth", { method: "PATCH", headers, body: "{}" }), 403, "forbidden");
    expect((await call("/v1/names/victim.other.eth")).status).toBe(200);
  });
});

describe("audit trail", () => {
  test("records who changed what, readable by the admin", async () => {
    const response = await call("/v1/domains/demo.eth/audit?limit=100", { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: { actor: string; action: string; subject: string; atSeconds: number }[] };
    const keyed = items.find((item) => item.subject === "keyed.demo.eth");
    expect(keyed).toMatchObject({ action: "name.put" });
    expect(keyed?.actor).toMatch(/^key:[0-9a-f]{16}$/);
    expect(items.find((item) => item.subject === "admin.demo.eth")?.actor).toBe("admin");
    expect(items.filter((item) => item.action === "key.create").length).toBe(3);
    expect(items.some((item) => item.action === "key.revoke")).toBe(true);
    expect(items.every((item) => item.atSeconds > 1_700_000_000)).toBe(true);
  });

  test("has no row for a refused write", async () => {
    const response = await call("/v1/domains/demo.eth/audit?limit=100", { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    const { items } = (await response.json()) as { items: { subject: string }[] };
    expect(items.some((item) => item.subject === "x.demo.eth")).toBe(false);
  });
});
