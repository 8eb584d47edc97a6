import { beforeAll, describe, expect, test } from "vitest";
import { encodeProfileRecord, signUserProfile } from "../src/protocol/dm3/profile";
import { encodeContenthash } from "../src/protocol/ens/encodeContenthash";
import { alice, call, createKey, registerDomain, SENDER, TEST_PROFILE } from "./fixtures";

// NameStone's API on our registry: its field names and shapes, our authorization (a key reaches its
// own domain only), all-or-nothing batches, and what it writes is what the registry serves.

const OWNER = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const CONTENT = "ipfs://QmRAQB6YaCyidP37UdDnjFY5vQuiBrcqdyoW1CuDgwxkD4";
let key: string;
let otherKey: string;

const post = (path: string, body: unknown, credential: string | null = key) =>
  call(`/namestone/v1/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(credential && { Authorization: credential }) },
    body: JSON.stringify(body),
  });
const get = (path: string, credential?: string) => call(`/namestone/v1/${path}`, credential ? { headers: { Authorization: credential } } : undefined);

beforeAll(async () => {
  await registerDomain("stone.eth");
  await registerDomain("other-stone.eth");
  key = (await createKey("stone.eth")).key;
  otherKey = (await createKey("other-stone.eth")).key;
});

describe("NameStone's API under /namestone/v1", () => {
  test("set-name with a bare key (as NameStone's SDK sends it) writes what the registry serves", async () => {
    const response = await post("set-name", {
      domain: "stone.eth",
      name: "alice",
      address: OWNER,
      contenthash: CONTENT,
      text_records: { url: "https://alice.example", "com.twitter": "alice" },
      coin_types: { "2147483658": OWNER },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true });
    const stored = (await (await call("/v1/names/alice.stone.eth")).json()) as Record<string, unknown>;
    expect(stored).toMatchObject({ owner: OWNER, texts: { url: "https://alice.example", "com.twitter": "alice" } });
    expect((stored.addresses as Record<string, string>)["2147483658"]).toBe(OWNER.toLowerCase());
    // Bearer works too.
    expect((await post("set-name", { domain: "stone.eth", name: "bearer", address: OWNER }, `Bearer ${key}`)).status).toBe(200);
  });

  test("get-names and search-names answer NameStone's NameData: the label, address, text_records, coin_types, contenthash", async () => {
    const names = (await (await get("get-names?domain=stone.eth&limit=10")).json()) as Record<string, unknown>[];
    const alice = names.find((entry) => entry.name === "alice");
    expect(alice).toEqual({
      name: "alice",
      address: OWNER,
      domain: "stone.eth",
      text_records: { url: "https://alice.example", "com.twitter": "alice" },
      coin_types: { "2147483658": OWNER },
      contenthash: expect.stringMatching(/^ipfs:\/\//),
    });
    // The same content, as a URI (whatever CID version the decoder writes).
    expect(encodeContenthash(alice?.contenthash as string)).toBe(encodeContenthash(CONTENT));
    const withoutTexts = (await (await get("get-names?domain=stone.eth&text_records=0")).json()) as Record<string, unknown>[];
    expect(withoutTexts.every((entry) => !("text_records" in entry))).toBe(true);
    // Without `domain`, the key's own domain.
    expect(((await (await get("get-names", key)).json()) as unknown[]).length).toBe(names.length);
    const byAddress = (await (await get(`get-names?domain=stone.eth&address=${OWNER.toLowerCase()},${SENDER}`)).json()) as { name: string }[];
    expect(byAddress.map((entry) => entry.name).sort()).toEqual(["alice", "bearer"]);
    const page = (await (await get("get-names?domain=stone.eth&limit=1&offset=1")).json()) as { name: string }[];
    expect(page.map((entry) => entry.name)).toEqual(["bearer"]);

    const prefixed = (await (await get("search-names?domain=stone.eth&name=al")).json()) as { name: string }[];
    expect(prefixed.map((entry) => entry.name)).toEqual(["alice"]);
    expect(((await (await get("search-names?domain=stone.eth&name=al&exact_match=1")).json()) as unknown[]).length).toBe(0);
    expect(((await (await get("search-names?domain=stone.eth&name=alice&exact_match=1")).json()) as unknown[]).length).toBe(1);
  });

  test("a key reaches only its own domain; no key or a wrong one is 401, with NameStone's `error` field", async () => {
    const foreign = await post("set-name", { domain: "stone.eth", name: "intruder", address: OWNER }, otherKey);
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: "forbidden", error: expect.stringContaining("other-stone.eth") });
    expect((await post("set-name", { domain: "stone.eth", name: "intruder", address: OWNER }, null)).status).toBe(401);
    const wrong = await post("set-name", { domain: "stone.eth", name: "intruder", address: OWNER }, "dm3k_nope_nope");
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toBeTruthy();
    expect((await call("/v1/names/intruder.stone.eth")).status).toBe(404);
    // The key is never read from the query string (NameStone allowed `api_key=`; a key in a URL leaks into logs).
    const inQuery = await call(`/namestone/v1/set-name?api_key=${key}`, {
      method: "POST",
      body: JSON.stringify({ domain: "stone.eth", name: "q", address: OWNER }),
    });
    expect(inQuery.status).toBe(401);
  });

  test("set-names writes up to 50 names all or nothing", async () => {
    const good = Array.from({ length: 3 }, (_, index) => ({ name: `batch${index}`, address: OWNER, text_records: { i: String(index) } }));
    const refused = await post("set-names", { domain: "stone.eth", names: [...good, { name: "Bad", address: OWNER }, { name: "noaddress" }] });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: string; processed: number; total: number; errors: { index: number; name: string }[] };
    expect(body).toMatchObject({ error: "Batch operation failed", processed: 0, total: 5 });
    expect(body.errors.map((entry) => [entry.index, entry.name])).toEqual([
      [3, "Bad"],
      [4, "noaddress"],
    ]);
    expect((await call("/v1/names/batch0.stone.eth")).status).toBe(404);

    const accepted = await post("set-names", { domain: "stone.eth", names: good });
    expect(await accepted.json()).toEqual({
      success: true,
      processed: 3,
      results: good.map((item, index) => ({ index, name: item.name, success: true })),
    });
    expect((await call("/v1/names/batch2.stone.eth")).status).toBe(200);
    const tooMany = Array.from({ length: 51 }, (_, index) => ({ name: `many${index}`, address: OWNER }));
    expect((await post("set-names", { domain: "stone.eth", names: tooMany })).status).toBe(400);
  });

  test("claim-name creates only what does not exist; single_claim=1 gives an address one name", async () => {
    expect((await post("claim-name", { domain: "stone.eth", name: "claimed", address: SENDER })).status).toBe(200);
    const again = await post("claim-name", { domain: "stone.eth", name: "claimed", address: OWNER });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "name_taken" });
    expect(((await (await call("/v1/names/claimed.stone.eth")).json()) as { owner: string }).owner).toBe(SENDER);
    const second = await call("/namestone/v1/claim-name?single_claim=1", {
      method: "POST",
      headers: { Authorization: key },
      body: JSON.stringify({ domain: "stone.eth", name: "second", address: SENDER }),
    });
    expect(second.status).toBe(409);
  });

  test("a DM3 profile travels as its text record: read back and written again, it is kept (and verified)", async () => {
    const signed = await signUserProfile(alice, TEST_PROFILE);
    const record = encodeProfileRecord(signed);
    expect(
      (await post("set-name", { domain: "stone.eth", name: "dm3user", address: alice.address, text_records: { "network.dm3.profile": record } })).status,
    ).toBe(200);
    const [read] = (await (await get("search-names?domain=stone.eth&name=dm3user&exact_match=1")).json()) as { text_records: Record<string, string> }[];
    expect(read?.text_records["network.dm3.profile"]).toBe(record);
    // Under another owner the profile's signature does not hold: refused, nothing changed.
    const forged = await post("set-name", { domain: "stone.eth", name: "dm3user", address: OWNER, text_records: { "network.dm3.profile": record } });
    expect(forged.status).toBe(422);
    expect((await post("set-name", { domain: "stone.eth", name: "junk", address: OWNER, text_records: { "network.dm3.profile": "hello" } })).status).toBe(400);
  });

  test("delete-name, and set-domain / get-domain for the domain's own name", async () => {
    expect(await (await post("delete-name", { domain: "stone.eth", name: "bearer" })).json()).toEqual({ success: true });
    expect((await call("/v1/names/bearer.stone.eth")).status).toBe(404);
    expect((await post("delete-name", { domain: "stone.eth", name: "bearer" })).status).toBe(404);

    expect((await get("get-domain?domain=stone.eth")).status).toBe(404);
    expect((await post("set-domain", { domain: "stone.eth", address: OWNER, text_records: { description: "Stone" } })).status).toBe(200);
    expect(await (await get("get-domain?domain=stone.eth")).json()).toEqual({ domain: "stone.eth", address: OWNER, text_records: { description: "Stone" } });
    // The domain's own name is not one of its subnames.
    const names = (await (await get("get-names?domain=stone.eth&limit=100")).json()) as { name: string }[];
    expect(names.some((entry) => entry.name === "")).toBe(false);
  });

  test("self-service onboarding needs the chain: without L1_RPC_URL both routes say so (503, NameStone's error field)", async () => {
    const message = await get("get-siwe-message?address=0x15D34AAF54267db7d7c367839aaf71a00a2c6a65");
    expect(message.status).toBe(503);
    expect(await message.json()).toMatchObject({ code: "chain_not_configured", error: expect.stringContaining("L1_RPC_URL") });
    const enable = await post("enable-domain", { address: OWNER, domain: "stone.eth", signature: "0x00", company_name: "x", email: "x@example.com" }, null);
    expect(enable.status).toBe(503);
    expect((await get("get-siwe-message?address=0x12")).status).toBe(400);
  });

  test("bad input is a 4xx naming the problem", async () => {
    expect((await post("set-name", { domain: "stone.eth", address: OWNER })).status).toBe(400);
    expect((await post("set-name", { domain: "unknown-stone.eth", name: "x", address: OWNER })).status).toBe(404);
    expect((await post("set-name", { name: "x", address: OWNER })).status).toBe(400);
    expect((await post("set-name", { domain: "stone.eth", name: "x", address: "0x12" })).status).toBe(400);
    expect((await get("get-names?domain=stone.eth&limit=-1")).status).toBe(400);
    expect((await get("get-names")).status).toBe(400);
    const notJson = await call("/namestone/v1/set-name", { method: "POST", headers: { Authorization: key }, body: "{" });
    expect(notJson.status).toBe(400);
  });
});
