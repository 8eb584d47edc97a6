import { app } from "../src/app/app";
import { undocumentedRoutes } from "../src/http/openApiDocument";
import { beforeAll, describe, expect, test } from "vitest";
import { signUserProfile } from "../src/protocol/dm3/profile";
import { ADMIN_TOKEN, SENDER, TEST_PROFILE, adminPut, alice, call, expectError, registerDomain } from "./fixtures";

const BOB = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const profile = TEST_PROFILE;
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

beforeAll(async () => {
  await registerDomain("demo.eth");
  await registerDomain("other.eth");
});

const patch = (name: string, body: unknown) => call(`/v1/names/${name}`, { method: "PATCH", headers: admin, body: JSON.stringify(body) });
const get = async (name: string) => (await call(`/v1/names/${name}`)).json() as Promise<Record<string, unknown>>;

describe("PATCH /v1/names/{name}", () => {
  test("merges texts and addresses; null deletes an entry", async () => {
    await adminPut("/v1/names/p1.demo.eth", { owner: SENDER, texts: { a: "1", b: "2" }, addresses: { "0": "0x0011" } });
    const response = await patch("p1.demo.eth", { texts: { a: null, c: "3" }, addresses: { "0": null, "2": "0x0022" } });
    expect(response.status).toBe(200);
    expect(await get("p1.demo.eth")).toMatchObject({
      texts: { b: "2", c: "3" },
      addresses: { "2": "0x0022", "60": SENDER.toLowerCase() },
    });
  });

  test("moves the ETH address with the owner", async () => {
    await adminPut("/v1/names/p2.demo.eth", { owner: SENDER });
    await patch("p2.demo.eth", { owner: BOB });
    expect(await get("p2.demo.eth")).toMatchObject({ owner: BOB, addresses: { "60": BOB.toLowerCase() } });
  });

  test("refuses an owner change that would orphan the DM3 profile, unless the profile goes too", async () => {
    await adminPut("/v1/names/p3.demo.eth", { owner: alice.address, dm3Profile: await signUserProfile(alice, profile) });
    await expectError(await patch("p3.demo.eth", { owner: BOB }), 409, "conflict");
    expect((await get("p3.demo.eth")).owner).toBe(alice.address);
    expect((await patch("p3.demo.eth", { owner: BOB, dm3Profile: null })).status).toBe(200);
    expect(await get("p3.demo.eth")).toMatchObject({ owner: BOB, dm3Profile: null });
  });

  test("checks the merged result against the limits", async () => {
    await adminPut("/v1/names/p4.demo.eth", { owner: SENDER });
    const texts = Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`k${index}`, "v"]));
    await expectError(await patch("p4.demo.eth", { texts }), 400, "invalid_input");
  });

  test("concurrent patches of one name all land (no lost update)", async () => {
    await adminPut("/v1/names/p6.demo.eth", { owner: SENDER });
    const responses = await Promise.all(Array.from({ length: 12 }, (_, index) => patch("p6.demo.eth", { texts: { [`k${index}`]: `v${index}` } })));
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 12 }, () => 200));
    const { texts } = (await get("p6.demo.eth")) as { texts: Record<string, string> };
    expect(texts).toEqual(Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`k${index}`, `v${index}`])));
  });

  test("a patch racing a delete does not bring the name back", async () => {
    await adminPut("/v1/names/p7.demo.eth", { owner: SENDER, texts: { a: "1" } });
    const [patched, deleted] = await Promise.all([
      patch("p7.demo.eth", { texts: { b: "2" } }),
      call("/v1/names/p7.demo.eth", { method: "DELETE", headers: admin }),
    ]);
    expect(deleted.status).toBe(200);
    expect([200, 404]).toContain(patched.status);
    expect((await call("/v1/names/p7.demo.eth")).status).toBe(404);
  });

  test("answers 404 for an unregistered name and 400 for unknown fields", async () => {
    await expectError(await patch("nobody.demo.eth", { texts: {} }), 404, "name_not_found");
    await adminPut("/v1/names/p5.demo.eth", { owner: SENDER });
    await expectError(await patch("p5.demo.eth", { colour: "red" }), 400, "invalid_input");
  });
});

describe("addresses and contenthash in their own formats", () => {
  test("encodes a Bitcoin address and an IPFS URI on write, and serves the bytes", async () => {
    const response = await adminPut("/v1/names/enc.demo.eth", {
      owner: SENDER,
      addresses: { "0": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4" },
      contenthash: "ipfs://QmRAQB6YaCyidP37UdDnjFY5vQuiBrcqdyoW1CuDgwxkD4",
    });
    expect(response.status).toBe(200);
    expect(await get("enc.demo.eth")).toMatchObject({
      addresses: { "0": "0x0014751e76e8199196d454941c45d1b3a323f1433bd6" },
      contenthash: "0xe3010170122029f2d17be6139079dc48696d1f582a8530eb9805b561eda517e22a892c7e3f1f",
    });
  });

  test.each([
    ["an invalid Bitcoin address", { addresses: { "0": "bc1-nope" } }],
    ["a 2-byte EVM address", { addresses: { "2147483658": "0x1234" } }],
    ["an http contenthash", { contenthash: "https://example.org" }],
    ["contenthash bytes without a known codec", { contenthash: "0x1234" }],
  ])("refuses %s with 400", async (_, fields) => {
    await expectError(await adminPut("/v1/names/enc2.demo.eth", { owner: SENDER, ...fields }), 400, "invalid_input");
  });
});

describe("DELETE /v1/names/{name}", () => {
  test("removes the name and its records", async () => {
    await adminPut("/v1/names/d1.demo.eth", { owner: SENDER, texts: { a: "1" } });
    const response = await call("/v1/names/d1.demo.eth", { method: "DELETE", headers: admin });
    expect(response.status).toBe(200);
    await expectError(await call("/v1/names/d1.demo.eth"), 404, "name_not_found");
    const { env } = await import("cloudflare:test");
    const orphans = await env.DB.prepare("SELECT COUNT(*) AS n FROM text_records WHERE node NOT IN (SELECT node FROM names)").first<{ n: number }>();
    expect(orphans?.n).toBe(0);
  });

  test("answers 404 for an unregistered name", async () => {
    await expectError(await call("/v1/names/ghost.demo.eth", { method: "DELETE", headers: admin }), 404, "name_not_found");
  });
});

describe("normalization on write", () => {
  test.each([["Upper.demo.eth"], ["a..demo.eth"], ["bad_\u0000.demo.eth"], ["x.demo.eth."]])("refuses %j", async (name) => {
    const response = await adminPut(`/v1/names/${encodeURIComponent(name)}`, { owner: SENDER });
    expect([400, 404]).toContain(response.status);
    expect(((await response.json()) as { code: string }).code).toMatch(/name_not_normalized|unknown_domain/);
  });

  test("accepts normalized emoji and non-ASCII names as themselves", async () => {
    for (const name of ["🦊.demo.eth", "ñandú.demo.eth"]) {
      const response = await adminPut(`/v1/names/${encodeURIComponent(name)}`, { owner: SENDER });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { name: string }).name).toBe(name);
    }
  });
});

describe("reads", () => {
  beforeAll(async () => {
    for (const label of ["list-a", "list-b", "list-c", "lost"]) await adminPut(`/v1/names/${label}.other.eth`, { owner: label === "lost" ? BOB : SENDER });
  });

  test("lists a domain's names with cursor pagination", async () => {
    const first = (await (await call("/v1/domains/other.eth/names?limit=2")).json()) as { items: { name: string }[]; nextCursor: string };
    expect(first.items.map((item) => item.name)).toEqual(["list-a.other.eth", "list-b.other.eth"]);
    const second = (await (await call(`/v1/domains/other.eth/names?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)).json()) as {
      items: { name: string }[];
      nextCursor: string | null;
    };
    expect(second.items.map((item) => item.name)).toEqual(["list-c.other.eth", "lost.other.eth"]);
    const third = (await (await call(`/v1/domains/other.eth/names?limit=2&cursor=${encodeURIComponent(second.items[1]!.name)}`)).json()) as {
      items: unknown[];
      nextCursor: string | null;
    };
    expect(third.nextCursor).toBeNull();
  });

  test("searches by prefix and owner", async () => {
    const byPrefix = (await (await call("/v1/domains/other.eth/names?prefix=lis")).json()) as { items: { name: string }[] };
    expect(byPrefix.items.map((item) => item.name)).toEqual(["list-a.other.eth", "list-b.other.eth", "list-c.other.eth"]);
    const byOwner = (await (await call(`/v1/domains/other.eth/names?owner=${BOB.toLowerCase()}`)).json()) as { items: { name: string }[] };
    expect(byOwner.items.map((item) => item.name)).toEqual(["lost.other.eth"]);
  });

  test("reverse-looks up an address across domains", async () => {
    const response = await call(`/v1/addresses/${BOB}/names`);
    const { items } = (await response.json()) as { items: { name: string; owner: string }[] };
    expect(items.map((item) => item.name)).toContain("lost.other.eth");
    expect(items.every((item) => item.owner === BOB)).toBe(true);
  });

  test.each([
    ["/v1/domains/other.eth/names?limit=0"],
    ["/v1/domains/other.eth/names?limit=abc"],
    ["/v1/domains/other.eth/names?owner=0x12"],
    ["/v1/domains/other.eth/names?colour=red"],
    ["/v1/addresses/not-an-address/names"],
  ])("refuses the malformed query %s with 400", async (path) => {
    await expectError(await call(path), 400, "invalid_input");
  });

  test("answers 404 for an unknown domain", async () => {
    await expectError(await call("/v1/domains/nope.eth/names"), 404, "unknown_domain");
  });
});

describe("GET /openapi.json", () => {
  test("documents every route with the schemas that validate it", async () => {
    const document = (await (await call("/openapi.json")).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          { requestBody?: { content: { "application/json": { schema: { title?: string; properties?: Record<string, unknown>; required?: string[] } } } } }
        >
      >;
    };
    expect(document.openapi).toBe("3.1.0");
    const put = document.paths["/v1/names/{name}"]?.put;
    const schema = put?.requestBody?.content["application/json"].schema;
    expect(Object.keys(schema?.properties ?? {})).toEqual(["owner", "texts", "addresses", "contenthash", "dm3Profile"]);
    expect(schema?.required).toEqual(["owner"]);
    // The schemas' own annotations (title, descriptions, examples) reach the document.
    expect(schema).toMatchObject({
      title: "NameRecords",
      properties: {
        owner: { description: "Ethereum address (any hex case)", example: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" },
        texts: { description: "ENSIP-5 text records" },
      },
    });
    expect(Object.keys(document.paths)).toContain("/v1/names/{name}/signed");
    expect(Object.keys(document.paths)).toContain("/v1/domains/{domain}/names/bulk");
  });

  test("is generated from the routes: every route is in it, each with a unique operationId and its auth", async () => {
    expect(undocumentedRoutes(app.routes)).toEqual([]);
    type Operation = { operationId: string; security: Record<string, string[]>[]; parameters?: { name: string; in: string }[] };
    const document = (await (await call("/openapi.json")).json()) as { paths: Record<string, Record<string, Operation>> };
    const routes = new Set(
      app.routes.filter((route) => route.method !== "ALL").map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`),
    );
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`));
    expect(new Set(documented)).toEqual(routes);
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    expect(new Set(operations.map((operation) => operation.operationId)).size).toBe(operations.length);
    for (const expected of [
      "/rpc",
      "/auth/{ensName}",
      "/delivery/messages/incoming/{ensName}",
      "/ccip/{sender}/{data}",
      "/ccip",
      "/health",
      "/profile/address",
      "/profile/{address}",
    ]) {
      expect(Object.keys(document.paths)).toContain(expected);
    }
    expect(document.paths["/v1/names/{name}"]?.put?.security).toEqual([{ adminToken: [] }, { apiKey: [] }]);
    expect(document.paths["/v1/domains/{domain}/keys"]?.post?.security).toEqual([{ adminToken: [] }]);
    expect(document.paths["/delivery/messages/incoming/{ensName}"]?.get?.security).toEqual([{ relaySession: [] }]);
    expect(document.paths["/v1/domains/{domain}/names"]?.get?.parameters?.map((parameter) => parameter.name)).toEqual([
      "domain",
      "prefix",
      "owner",
      "cursor",
      "limit",
    ]);
  });
});
