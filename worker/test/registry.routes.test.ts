import { decodeAbiParameters, type Hex } from "viem";
import { beforeAll, describe, expect, test } from "vitest";
import { DM3_PROFILE_RECORD_PREFIX, DM3_PROFILE_TEXT_KEY, signUserProfile } from "../src/protocol/dm3/profile";
import { stringify } from "../src/protocol/dm3/stringify";
import { ADMIN_TOKEN, SENDER, TEST_PROFILE, adminPut, alice, call, createKey, expectError, registerDomain, resolveCallData } from "./fixtures";

const profile = TEST_PROFILE;

beforeAll(async () => {
  await registerDomain("demo.eth");
});

describe("admin authorization", () => {
  test("refuses writes without a bearer token", async () => {
    const response = await call("/v1/names/x.demo.eth", { method: "PUT", body: JSON.stringify({ owner: alice.address }) });
    await expectError(response, 401, "unauthorized");
  });

  test("refuses writes with a wrong token", async () => {
    await expectError(await adminPut("/v1/names/x.demo.eth", { owner: alice.address }, "wrong"), 401, "unauthorized");
    await expectError(await adminPut("/v1/domains/evil.eth", { resolverAddress: SENDER, chainId: 1 }, "wrong"), 401, "unauthorized");
  });
});

describe("PUT /v1/names/{name}", () => {
  test("stores a DM3 profile signed by the owner and serves it through the gateway", async () => {
    const signed = await signUserProfile(alice, profile);
    const response = await adminPut("/v1/names/alice.demo.eth", { owner: alice.address, dm3Profile: signed });
    expect(response.status).toBe(200);

    const callData = resolveCallData("alice.demo.eth", { functionName: "text", key: DM3_PROFILE_TEXT_KEY });
    const answer = await call(`/ccip/${SENDER}/${callData}.json`);
    const { data } = (await answer.json()) as { data: Hex };
    const [result] = decodeAbiParameters([{ type: "bytes" }, { type: "uint64" }, { type: "bytes" }], data);
    const [text] = decodeAbiParameters([{ type: "string" }], result);
    expect(text).toBe(DM3_PROFILE_RECORD_PREFIX + stringify(signed));
  });

  test("refuses a profile signed by someone else with 422, storing nothing", async () => {
    const signed = await signUserProfile(alice, profile);
    const response = await adminPut("/v1/names/mallory.demo.eth", { owner: SENDER, dm3Profile: signed });
    expect(await expectError(response, 422, "invalid_profile_signature")).toContain(SENDER);
    await expectError(await call("/v1/names/mallory.demo.eth"), 404, "name_not_found");
  });

  test("refuses a tampered profile", async () => {
    const signed = await signUserProfile(alice, profile);
    const tampered = { ...signed, profile: { ...signed.profile, deliveryServices: ["evil.eth"] } };
    await expectError(await adminPut("/v1/names/alice.demo.eth", { owner: alice.address, dm3Profile: tampered }), 422, "invalid_profile_signature");
  });

  test.each([
    ["a missing owner", {}],
    ["a malformed owner", { owner: "0x12" }],
    ["a non-string text", { owner: SENDER, texts: { a: 1 } }],
    ["the profile key as a plain text", { owner: SENDER, texts: { [DM3_PROFILE_TEXT_KEY]: "data:," } }],
    ["a short EVM address", { owner: SENDER, addresses: { "60": "0x1234" } }],
    ["a bad coin type", { owner: SENDER, addresses: { "-1": SENDER } }],
    ["a non-hex contenthash", { owner: SENDER, contenthash: "ipfs://x" }],
    ["a profile without keys", { owner: SENDER, dm3Profile: { profile: {}, signature: "0x" } }],
  ])("refuses %s with 400", async (_, body) => {
    await expectError(await adminPut("/v1/names/bob.demo.eth", body), 400, "invalid_input");
  });

  test("refuses names under no registered domain with 404", async () => {
    await expectError(await adminPut("/v1/names/bob.unknown.eth", { owner: SENDER }), 404, "unknown_domain");
  });

  test("refuses non-normalized names with 400", async () => {
    await expectError(await adminPut("/v1/names/Bob.demo.eth", { owner: SENDER }), 400, "name_not_normalized");
  });

  test("refuses invalid JSON with 400", async () => {
    const response = await call("/v1/names/bob.demo.eth", {
      method: "PUT",
      headers: { Authorization: "Bearer test-admin-token" },
      body: "{",
    });
    await expectError(response, 400, "invalid_json");
  });

  test("replaces every record of the name", async () => {
    await adminPut("/v1/names/carol.demo.eth", { owner: SENDER, texts: { a: "1", b: "2" } });
    await adminPut("/v1/names/carol.demo.eth", { owner: SENDER, texts: { b: "3" } });
    const response = await call("/v1/names/carol.demo.eth");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { texts: Record<string, string>; addresses: Record<string, string> };
    expect(body.texts).toEqual({ b: "3" });
    expect(body.addresses).toEqual({ "60": SENDER.toLowerCase() });
  });
});

describe("PUT /v1/domains/{name}", () => {
  test.each([
    ["a bad resolver", { resolverAddress: "0x1", chainId: 1 }],
    ["a bad chain id", { resolverAddress: SENDER, chainId: 0 }],
  ])("refuses %s with 400", async (_, body) => {
    await expectError(await adminPut("/v1/domains/acme.eth", body), 400, "invalid_input");
  });
});

describe("PUT /v1/domains/{domain}", () => {
  test("keeps the address-name policy when a re-registration does not mention it", async () => {
    const put = (body: Record<string, unknown>) => adminPut("/v1/domains/policy.eth", { resolverAddress: SENDER, chainId: 1, ...body });
    expect(await (await put({})).json()).toMatchObject({ allowAddressNames: false });
    expect(await (await put({ allowAddressNames: true })).json()).toMatchObject({ allowAddressNames: true });
    expect(await (await put({ chainId: 5 })).json()).toMatchObject({ allowAddressNames: true, chainId: 5 });
    const listed = (await (await call("/v1/domains")).json()) as { items: { name: string; allowAddressNames: boolean }[] };
    expect(listed.items.find((item) => item.name === "policy.eth")?.allowAddressNames).toBe(true);
    expect(await (await put({ allowAddressNames: false })).json()).toMatchObject({ allowAddressNames: false });
  });
});

describe("GET /v1/domains/{domain}/audit", () => {
  test("pages with the cursor it hands out, and answers a malformed cursor with 400 (not an empty page)", async () => {
    const headers = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    for (const label of ["a1", "a2", "a3"]) expect((await adminPut(`/v1/names/${label}.demo.eth`, { owner: alice.address })).status).toBe(200);
    const first = (await (await call("/v1/domains/demo.eth/audit?limit=2", { headers })).json()) as { items: { id: number }[]; nextCursor: string };
    expect(first.items).toHaveLength(2);
    const second = (await (await call(`/v1/domains/demo.eth/audit?limit=2&cursor=${first.nextCursor}`, { headers })).json()) as { items: { id: number }[] };
    expect(second.items[0]!.id).toBeLessThan(first.items[1]!.id);
    for (const cursor of ["abc", "-1", "1.5", "0", "1e3"]) {
      await expectError(await call(`/v1/domains/demo.eth/audit?cursor=${cursor}`, { headers }), 400, "invalid_input");
    }
  });
});

describe("authorization comes before the body is read", () => {
  test("another domain's key, a non-admin or no session is refused for who it is, whatever the body", async () => {
    await registerDomain("other-tenant.eth");
    const { key } = await createKey("other-tenant.eth");
    const asKey = (method: string, path: string) => call(path, { method, headers: { Authorization: `Bearer ${key}` }, body: "{not json" });
    await expectError(await asKey("PUT", "/v1/names/x.demo.eth"), 403, "forbidden");
    await expectError(await asKey("PATCH", "/v1/names/x.demo.eth"), 403, "forbidden");
    await expectError(await asKey("POST", "/v1/domains/demo.eth/names/bulk"), 403, "forbidden");
    await expectError(await asKey("PUT", "/v1/domains/demo.eth"), 403, "forbidden");
    await expectError(await asKey("POST", "/v1/domains/demo.eth/keys"), 403, "forbidden");
    await expectError(await asKey("PUT", "/v1/domains/demo.eth/webhook"), 403, "forbidden");
    const ack = await call("/delivery/messages/alice.demo.eth/syncAcknowledgements", { method: "POST", body: "{not json" });
    expect(ack.status).toBe(401);
    // The body is still checked once the caller may write.
    await expectError(
      await call("/v1/names/x.other-tenant.eth", { method: "PUT", headers: { Authorization: `Bearer ${key}` }, body: "{not json" }),
      400,
      "invalid_json",
    );
  });
});
