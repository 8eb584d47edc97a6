import { decodeAbiParameters, decodeErrorResult, encodeFunctionData, type Hex, recoverAddress, toHex, zeroAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { namehash, packetToBytes } from "viem/ens";
import { beforeAll, describe, expect, test } from "vitest";
import { offchainResolverAbi, recordResolverAbi, resolverErrorsAbi } from "../src/abi";
import { ABSENCE_MEMORY_MS, MIN_REMAINING_SECONDS } from "../src/shared/answerCache";
import { signatureHash } from "../src/protocol/ccip/signatureHash";
import { ADMIN_TOKEN, RESOLVER, SENDER, adminPut, call, expectError, gatewaySigner, registerDomain, resolveCallData } from "./fixtures";

const OWNER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const OPTIMISM_ADDRESS = "0x1111111111111111111111111111111111111111";
const DEFAULT_EVM_ADDRESS = "0x2222222222222222222222222222222222222222";
const CONTENTHASH = "0xe301017012201687de19f1516b9e560ab8655faa678e3a023ebff43494ac06a36581aafc957e";
const RESPONSE_TYPES = [{ type: "bytes" }, { type: "uint64" }, { type: "bytes" }] as const;

beforeAll(async () => {
  await registerDomain("demo.eth");
  const response = await adminPut("/v1/names/alice.demo.eth", {
    owner: OWNER,
    texts: { description: "Alice on demo", url: "https://alice.example" },
    addresses: { "2147483658": OPTIMISM_ADDRESS, "2147483648": DEFAULT_EVM_ADDRESS },
    contenthash: CONTENTHASH,
  });
  expect(response.status).toBe(200);
});

/** GETs a lookup, checks the answer is signed by the gateway for RESOLVER, returns the record result. */
async function lookup(callData: Hex, sender: string = SENDER): Promise<Hex> {
  const response = await call(`/ccip/${sender}/${callData}.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  const { data } = (await response.json()) as { data: Hex };
  return verifyAnswer(callData, data);
}

async function verifyAnswer(callData: Hex, data: Hex): Promise<Hex> {
  const [result, expires, signature] = decodeAbiParameters(RESPONSE_TYPES, data);
  expect(signature.length).toBe(2 + 65 * 2);
  // Fresh answers live the TTL (300 s); reused (cached) ones keep at least MIN_REMAINING_SECONDS.
  const nowSeconds = BigInt(Math.floor(Date.now() / 1000));
  expect(expires >= nowSeconds + BigInt(MIN_REMAINING_SECONDS) && expires <= nowSeconds + 301n).toBe(true);
  const hash = signatureHash({ resolver: RESOLVER, expiresSeconds: expires, request: callData, result });
  expect(await recoverAddress({ hash, signature })).toBe(gatewaySigner.address);
  return result;
}

const decodeString = (result: Hex) => decodeAbiParameters([{ type: "string" }], result)[0];
const decodeBytes = (result: Hex) => decodeAbiParameters([{ type: "bytes" }], result)[0];
const decodeAddress = (result: Hex) => decodeAbiParameters([{ type: "address" }], result)[0];

describe("GET /ccip/{sender}/{data}.json", () => {
  test("answers a text record, signed for the domain's resolver", async () => {
    const result = await lookup(resolveCallData("alice.demo.eth", { functionName: "text", key: "description" }));
    expect(decodeString(result)).toBe("Alice on demo");
  });

  test("signs a fresh answer for exactly the configured TTL (300 s)", async () => {
    const callData = resolveCallData("alice.demo.eth", { functionName: "text", key: "never-asked-before" });
    const { data } = (await (await call(`/ccip/${SENDER}/${callData}.json`)).json()) as { data: Hex };
    const [, expires] = decodeAbiParameters(RESPONSE_TYPES, data);
    const nowSeconds = BigInt(Math.floor(Date.now() / 1000));
    expect(expires >= nowSeconds + 299n && expires <= nowSeconds + 301n).toBe(true);
  });

  test("signs for the registered resolver even when another contract is the sender", async () => {
    const callData = resolveCallData("alice.demo.eth", { functionName: "text", key: "url" });
    expect(decodeString(await lookup(callData, "0xce01f8eee7E479C928F8919abD53E553a36CeF67"))).toBe("https://alice.example");
  });

  test("accepts the sender in any hex case and the path without .json", async () => {
    const callData = resolveCallData("alice.demo.eth", { functionName: "text", key: "url" });
    const response = await call(`/ccip/${SENDER.toUpperCase().replace("0X", "0x")}/${callData}`);
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: Hex };
    expect(decodeString(await verifyAnswer(callData, data))).toBe("https://alice.example");
  });

  test("answers addr(bytes32) with the owner's address", async () => {
    expect(decodeAddress(await lookup(resolveCallData("alice.demo.eth", { functionName: "addr" })))).toBe(OWNER);
  });

  test("answers addr(bytes32,60) with the owner's 20 address bytes", async () => {
    const result = await lookup(resolveCallData("alice.demo.eth", { functionName: "addrByCoinType", coinType: 60n }));
    expect(decodeBytes(result)).toBe(OWNER.toLowerCase());
  });

  test("answers an EVM coin type with its own address", async () => {
    const result = await lookup(resolveCallData("alice.demo.eth", { functionName: "addrByCoinType", coinType: 0x8000000an }));
    expect(decodeBytes(result)).toBe(OPTIMISM_ADDRESS);
  });

  test("falls back to the default EVM address for an unset EVM coin type (ENSIP-19)", async () => {
    const result = await lookup(resolveCallData("alice.demo.eth", { functionName: "addrByCoinType", coinType: 0x80002105n }));
    expect(decodeBytes(result)).toBe(DEFAULT_EVM_ADDRESS);
  });

  test("answers an unset non-EVM coin type with empty bytes", async () => {
    const result = await lookup(resolveCallData("alice.demo.eth", { functionName: "addrByCoinType", coinType: 0n }));
    expect(decodeBytes(result)).toBe("0x");
  });

  test("answers a coin type beyond 64 bits with empty bytes", async () => {
    const result = await lookup(resolveCallData("alice.demo.eth", { functionName: "addrByCoinType", coinType: 2n ** 200n }));
    expect(decodeBytes(result)).toBe("0x");
  });

  test("answers the contenthash bytes", async () => {
    expect(decodeBytes(await lookup(resolveCallData("alice.demo.eth", { functionName: "contenthash" })))).toBe(CONTENTHASH);
  });

  test("answers unset records of a registered name as unset, signed", async () => {
    expect(decodeString(await lookup(resolveCallData("alice.demo.eth", { functionName: "text", key: "avatar" })))).toBe("");
  });

  test("answers an unregistered name under a served domain as unset, signed (wildcard, any depth)", async () => {
    expect(decodeAddress(await lookup(resolveCallData("nobody.demo.eth", { functionName: "addr" })))).toBe(zeroAddress);
    expect(decodeString(await lookup(resolveCallData("a.b.nobody.demo.eth", { functionName: "text", key: "x" })))).toBe("");
    expect(decodeBytes(await lookup(resolveCallData("nobody.demo.eth", { functionName: "contenthash" })))).toBe("0x");
  });

  test("answers a name under no served domain with 404", async () => {
    const callData = resolveCallData("alice.other.eth", { functionName: "addr" });
    await expectError(await call(`/ccip/${SENDER}/${callData}.json`), 404, "domain_not_served");
  });

  test.each([
    ["non-hex data", "0xzz12", "invalid_request"],
    ["data without 0x", "9061b923", "invalid_request"],
    ["odd-length hex", "0x9061b923a", "invalid_call_data"],
    ["a call that is not resolve()", "0x3b3b57de0000000000000000000000000000000000000000000000000000000000000000", "invalid_call_data"],
    ["truncated resolve() arguments", "0x9061b9230000000000000000000000000000000000000000000000000000000000000040", "invalid_call_data"],
  ])("rejects %s with 400", async (_, data, code) => {
    await expectError(await call(`/ccip/${SENDER}/${data}.json`), 400, code);
  });

  test("rejects a malformed sender with 400", async () => {
    const callData = resolveCallData("alice.demo.eth", { functionName: "addr" });
    await expectError(await call(`/ccip/0x1234/${callData}.json`), 400, "invalid_request");
  });

  test("rejects an unknown record selector with 400", async () => {
    const node = namehash("alice.demo.eth");
    const nameCall = `0x691f3431${node.slice(2)}` as Hex; // name(bytes32)
    const callData = encodeFunctionData({
      abi: offchainResolverAbi,
      functionName: "resolve",
      args: [toHex(packetToBytes("alice.demo.eth")), nameCall],
    });
    await expectError(await call(`/ccip/${SENDER}/${callData}.json`), 400, "unsupported_record");
  });

  test("rejects a malformed DNS name with 400", async () => {
    const inner = encodeFunctionData({ abi: recordResolverAbi, functionName: "addr", args: [namehash("demo.eth")] });
    const callData = encodeFunctionData({
      abi: offchainResolverAbi,
      functionName: "resolve",
      args: ["0x0464656d6f09657468", inner],
    });
    await expectError(await call(`/ccip/${SENDER}/${callData}.json`), 400, "invalid_dns_name");
  });

  test("rejects a node that is not namehash(name) with 400", async () => {
    const callData = resolveCallData("alice.demo.eth", { functionName: "addr" }, namehash("bob.demo.eth"));
    await expectError(await call(`/ccip/${SENDER}/${callData}.json`), 400, "node_mismatch");
  });

  test.each([["Alice.demo.eth"], ["alice..demo.eth".replace("..", ".\u200b.")], ["al ice.demo.eth"]])(
    "rejects the non-normalized name %j with 400",
    async (name) => {
      const callData = resolveCallData(name, { functionName: "addr" }, namehash("alice.demo.eth"));
      await expectError(await call(`/ccip/${SENDER}/${callData}.json`), 400, "name_not_normalized");
    },
  );

  test("rejects oversized call data with 400", async () => {
    const callData = resolveCallData("alice.demo.eth", { functionName: "text", key: "k".repeat(9000) });
    await expectError(await call(`/ccip/${SENDER}/${callData}.json`), 400, "invalid_call_data");
  });
});

describe("multicall(bytes[])", () => {
  const node = namehash("alice.demo.eth");
  const multicallData = (calls: Hex[], name = "alice.demo.eth") =>
    encodeFunctionData({
      abi: offchainResolverAbi,
      functionName: "resolve",
      args: [toHex(packetToBytes(name)), encodeFunctionData({ abi: recordResolverAbi, functionName: "multicall", args: [calls] })],
    });

  test("answers several records in one signed response, a failing item as UnsupportedResolverProfile", async () => {
    const nameCall = `0x691f3431${node.slice(2)}` as Hex;
    const callData = multicallData([
      encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [node, "description"] }),
      encodeFunctionData({ abi: recordResolverAbi, functionName: "addr", args: [node] }),
      nameCall,
      encodeFunctionData({ abi: recordResolverAbi, functionName: "contenthash", args: [node] }),
      encodeFunctionData({ abi: recordResolverAbi, functionName: "addr", args: [node, 0x80002105n] }),
    ]);
    const [items] = decodeAbiParameters([{ type: "bytes[]" }], await lookup(callData));
    expect(items.length).toBe(5);
    expect(decodeString(items[0]!)).toBe("Alice on demo");
    expect(decodeAddress(items[1]!)).toBe(OWNER);
    expect(decodeErrorResult({ abi: resolverErrorsAbi, data: items[2]! })).toMatchObject({ errorName: "UnsupportedResolverProfile", args: ["0x691f3431"] });
    expect(decodeBytes(items[3]!)).toBe(CONTENTHASH);
    expect(decodeBytes(items[4]!)).toBe(DEFAULT_EVM_ADDRESS);
  });

  test("answers an empty multicall with an empty list", async () => {
    expect(decodeAbiParameters([{ type: "bytes[]" }], await lookup(multicallData([])))[0]).toEqual([]);
  });

  test("rejects an item for another node with 400", async () => {
    const other = encodeFunctionData({ abi: recordResolverAbi, functionName: "addr", args: [namehash("bob.demo.eth")] });
    await expectError(await call(`/ccip/${SENDER}/${multicallData([other])}.json`), 400, "node_mismatch");
  });

  test("rejects more than 32 items with 400", async () => {
    const item = encodeFunctionData({ abi: recordResolverAbi, functionName: "addr", args: [node] });
    await expectError(await call(`/ccip/${SENDER}/${multicallData(Array(33).fill(item))}.json`), 400, "invalid_call_data");
  });
});

describe("caching of signed answers", () => {
  test("GET answers carry Cache-Control within the signature's life and an ETag; a matching If-None-Match gets 304", async () => {
    const callData = resolveCallData("alice.demo.eth", { functionName: "text", key: "url" });
    const response = await call(`/ccip/${SENDER}/${callData}.json`);
    const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get("Cache-Control") ?? "")?.[1]);
    const { data } = (await response.json()) as { data: Hex };
    const [, expires] = decodeAbiParameters(RESPONSE_TYPES, data);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(Number(expires) - Math.floor(Date.now() / 1000));
    const etag = response.headers.get("ETag");
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    // The tag is the start of the signature's r: another answer (another expiry or record) has another.
    const [, , signature] = decodeAbiParameters(RESPONSE_TYPES, data);
    expect(etag).toBe(`"${signature.slice(2, 34)}"`);
    const revalidated = await call(`/ccip/${SENDER}/${callData}.json`, { headers: { "If-None-Match": etag! } });
    expect(revalidated.status).toBe(304);
  });

  test("reuses the signed answer instead of re-reading and re-signing, until the name is written", async () => {
    await adminPut("/v1/names/cached.demo.eth", { owner: OWNER, texts: { motto: "zeroth" } });
    const callData = resolveCallData("cached.demo.eth", { functionName: "text", key: "motto" });
    // A lookup this isolate sees for the first time is not cached (most never come again) …
    const { env } = await import("cloudflare:test");
    expect(decodeString(await verifyAnswer(callData, ((await (await call(`/ccip/${SENDER}/${callData}.json`)).json()) as { data: Hex }).data))).toBe("zeroth");
    await env.DB.prepare("UPDATE text_records SET value = 'first' WHERE key = 'motto'").run();
    // … from its second time on, it is.
    const first = (await (await call(`/ccip/${SENDER}/${callData}.json`)).json()) as { data: Hex };
    expect(decodeString(await verifyAnswer(callData, first.data))).toBe("first");

    // Change the record behind the API's back: a cached answer does not see it.
    await env.DB.prepare("UPDATE text_records SET value = 'sneaky' WHERE key = 'motto'").run();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = (await (await call(`/ccip/${SENDER}/${callData}.json`)).json()) as { data: Hex };
    expect(second.data).toBe(first.data);

    // A write through the registry makes the next lookup fresh.
    await adminPut("/v1/names/cached.demo.eth", { owner: OWNER, texts: { motto: "second" } });
    const third = (await (await call(`/ccip/${SENDER}/${callData}.json`)).json()) as { data: Hex };
    expect(decodeString(await verifyAnswer(callData, third.data))).toBe("second");
  });

  test("answers about a name that does not exist are not cached: created later (even by a bulk import, which forgets nothing for new names), it answers at once", async () => {
    const callData = resolveCallData("newcomer.demo.eth", { functionName: "text", key: "motto" });
    for (let time = 0; time < 2; time++) {
      expect(decodeString(await verifyAnswer(callData, ((await (await call(`/ccip/${SENDER}/${callData}.json`)).json()) as { data: Hex }).data))).toBe("");
    }
    await new Promise((resolve) => setTimeout(resolve, 1100)); // deferred cache writes, if any, are done
    const bulk = await call("/v1/domains/demo.eth/names/bulk", {
      method: "POST",
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ names: [{ name: "newcomer.demo.eth", owner: OWNER, texts: { motto: "hello" } }] }),
    });
    expect(bulk.status).toBe(200);
    const after = (await (await call(`/ccip/${SENDER}/${callData}.json`)).json()) as { data: Hex };
    expect(decodeString(await verifyAnswer(callData, after.data))).toBe("hello");
  });

  test("a name found not to exist is remembered for a few seconds: its lookups read nothing until a write here or the memory runs out", async () => {
    const { env } = await import("cloudflare:test");
    const name = "ghost.demo.eth";
    const motto = resolveCallData(name, { functionName: "text", key: "motto" });
    const owner = resolveCallData(name, { functionName: "addr" });
    expect(decodeString(await lookup(motto))).toBe("");
    // The name appears behind the isolate's back (as a write through another isolate would make it).
    const insertName = async () => {
      await env.DB.prepare("INSERT INTO names (node, name, domain, owner_address, created_at, updated_at) VALUES (?, ?, 'demo.eth', ?, 0, 0)")
        .bind(namehash(name), name, OWNER)
        .run();
      await env.DB.prepare("INSERT INTO text_records (node, key, value) VALUES (?1, 'motto', 'boo'), (?1, 'tagline', 'boo')").bind(namehash(name)).run();
    };
    await insertName();
    // Every record of the absent name answers unset without a read, exactly as a read would.
    expect(decodeString(await lookup(motto))).toBe("");
    expect(decodeAddress(await lookup(owner))).toBe(zeroAddress);
    // Any name write in this isolate voids the memory (it may have created the name).
    expect((await adminPut("/v1/names/other-ghost.demo.eth", { owner: OWNER })).status).toBe(200);
    expect(decodeString(await lookup(motto))).toBe("boo");

    // Remembered again once gone (asked for another record: the motto's answer is cached now, and
    // a delete behind the isolate's back does not forget it); forgotten after ABSENCE_MEMORY_MS.
    const tagline = resolveCallData(name, { functionName: "text", key: "tagline" });
    await env.DB.prepare("DELETE FROM names WHERE node = ?").bind(namehash(name)).run();
    expect(decodeString(await lookup(tagline))).toBe("");
    await insertName();
    expect(decodeString(await lookup(tagline))).toBe("");
    // With ANSWER_CACHE = "off" every lookup reads: the same name is found at once.
    const { createExecutionContext, waitOnExecutionContext } = await import("cloudflare:test");
    const { default: worker } = await import("../src/index");
    const ctx = createExecutionContext();
    const uncached = await worker.fetch(new Request(`http://gateway.test/ccip/${SENDER}/${tagline}.json`), { ...env, ANSWER_CACHE: "off" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(decodeString(await verifyAnswer(tagline, ((await uncached.json()) as { data: Hex }).data))).toBe("boo");
    await new Promise((resolve) => setTimeout(resolve, ABSENCE_MEMORY_MS + 1000));
    expect(decodeString(await lookup(tagline))).toBe("boo");
  }, 20_000);

  test("a bulk import forgets the cached answers of the names it changes", async () => {
    await adminPut("/v1/names/bulkcached.demo.eth", { owner: OWNER, texts: { motto: "before" } });
    const callData = resolveCallData("bulkcached.demo.eth", { functionName: "text", key: "motto" });
    await call(`/ccip/${SENDER}/${callData}.json`);
    await call(`/ccip/${SENDER}/${callData}.json`); // the second sighting is cached
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const bulk = await call("/v1/domains/demo.eth/names/bulk", {
      method: "POST",
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ names: [{ name: "bulkcached.demo.eth", owner: OWNER, texts: { motto: "after" } }] }),
    });
    expect(bulk.status).toBe(200);
    const after = (await (await call(`/ccip/${SENDER}/${callData}.json`)).json()) as { data: Hex };
    expect(decodeString(await verifyAnswer(callData, after.data))).toBe("after");
  });

  test("an answer held in memory is not reused once its domain names another resolver: the next one is signed for the new resolver", async () => {
    await registerDomain("moved.eth");
    await adminPut("/v1/names/bob.moved.eth", { owner: OWNER, texts: { motto: "hi" } });
    const callData = resolveCallData("bob.moved.eth", { functionName: "text", key: "motto" });
    const answerFor = async () => {
      const { data } = (await (await call(`/ccip/${SENDER}/${callData}.json`)).json()) as { data: Hex };
      const [result, expires, signature] = decodeAbiParameters(RESPONSE_TYPES, data);
      return { data, result, expires, signature };
    };
    await answerFor();
    const held = await answerFor(); // the second sighting is cached, and remembered in memory
    expect((await answerFor()).data).toBe(held.data);
    const newResolver = "0x3333333333333333333333333333333333333333";
    await registerDomain("moved.eth", newResolver);
    const moved = await answerFor();
    expect(moved.data).not.toBe(held.data);
    const hash = signatureHash({ resolver: newResolver, expiresSeconds: moved.expires, request: callData, result: moved.result });
    expect(await recoverAddress({ hash, signature: moved.signature })).toBe(gatewaySigner.address);
    expect(decodeString(moved.result)).toBe("hi");
  });

  test("a rotated signing key signs at once: answers cached under the old key are not reused", async () => {
    const { createExecutionContext, env, waitOnExecutionContext } = await import("cloudflare:test");
    const { default: worker } = await import("../src/index");
    const callData = resolveCallData("alice.demo.eth", { functionName: "text", key: "url" });
    await lookup(callData);
    await lookup(callData); // cached under the test signer now
    const rotatedKey = generatePrivateKey();
    const rotated = privateKeyToAccount(rotatedKey);
    const ctx = createExecutionContext();
    const response = await worker.fetch(new Request(`http://gateway.test/ccip/${SENDER}/${callData}.json`), { ...env, SIGNER_PRIVATE_KEY: rotatedKey }, ctx);
    await waitOnExecutionContext(ctx);
    const { data } = (await response.json()) as { data: Hex };
    const [result, expires, signature] = decodeAbiParameters(RESPONSE_TYPES, data);
    const hash = signatureHash({ resolver: RESOLVER, expiresSeconds: expires, request: callData, result });
    expect(await recoverAddress({ hash, signature })).toBe(rotated.address);
  });
});

describe("the main app's /ccip", () => {
  test("answers lookups too (index.ts sends them to the lean lookup app; the main app keeps the routes for its document and direct callers)", async () => {
    const { createExecutionContext, env, waitOnExecutionContext } = await import("cloudflare:test");
    const { app } = await import("../src/app/app");
    const callData = resolveCallData("alice.demo.eth", { functionName: "text", key: "description" });
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(`http://gateway.test/ccip/${SENDER}/${callData}.json`), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: Hex };
    expect(decodeString(await verifyAnswer(callData, data))).toBe("Alice on demo");
  });
});

describe("the hono-free GET path (app/lookupApp.ts fetchLookup)", () => {
  /** The same request through fetchLookup and through the lookup app's hono route (the cache off: both sign afresh). */
  async function bothWays(path: string, init?: RequestInit) {
    const { createExecutionContext, env, waitOnExecutionContext } = await import("cloudflare:test");
    const { fetchLookup, lookupApp } = await import("../src/app/lookupApp");
    const answers: Response[] = [];
    for (const handle of [fetchLookup, lookupApp.fetch]) {
      const ctx = createExecutionContext();
      answers.push(await handle(new Request(`http://gateway.test${path}`, init), { ...env, ANSWER_CACHE: "off" }, ctx));
      await waitOnExecutionContext(ctx);
    }
    return answers as [Response, Response];
  }

  /**
   * The headers, those that change from one request to the next checked by form only: the two that
   * carry the answer's expiry (the two may fall in different seconds), and the D1 bookmark (each
   * request's session moves on).
   */
  function stableHeaders(response: Response): Record<string, string> {
    const headers = Object.fromEntries(response.headers);
    const byForm: Record<string, RegExp> = {
      etag: /^"[0-9a-f]{32}"$/,
      "cache-control": /^public, max-age=(23[89]|240)$/,
      "x-d1-bookmark": /^[0-9a-f]+(-[0-9a-f]+)+$/,
    };
    for (const [name, form] of Object.entries(byForm)) {
      if (headers[name] === undefined) continue;
      expect(headers[name]).toMatch(form);
      headers[name] = "(checked by form)";
    }
    return headers;
  }

  test("answers lookups, errors and bookmarks with the same status, headers and body as the route", async () => {
    const description = resolveCallData("alice.demo.eth", { functionName: "text", key: "description" });
    const nobody = resolveCallData("nobody.demo.eth", { functionName: "addr" });
    const cases: { path: string; callData?: Hex; init?: RequestInit }[] = [
      { path: `/ccip/${SENDER}/${description}.json`, callData: description, init: { headers: { Origin: "https://example.org" } } },
      { path: `/ccip/${SENDER}/${description}?cache-buster=1`, callData: description },
      { path: `/ccip/${SENDER}/${nobody}.json`, callData: nobody },
      { path: `/ccip/${SENDER}/${resolveCallData("alice.other.eth", { functionName: "addr" })}.json` },
      { path: `/ccip/0x1234/${description}.json` },
      { path: `/ccip/${SENDER}/0xzz.json` },
      { path: `/ccip/${SENDER}/${description}.json`, init: { headers: { "X-D1-Bookmark": "not a bookmark" } } },
    ];
    for (const { path, callData, init } of cases) {
      const [fast, routed] = await bothWays(path, init);
      expect(fast.status, path).toBe(routed.status);
      expect(stableHeaders(fast), path).toEqual(stableHeaders(routed));
      const [fastBody, routedBody] = [await fast.text(), await routed.text()];
      if (!callData) {
        expect(fast.status, path).toBeGreaterThanOrEqual(400);
        expect(fastBody, path).toBe(routedBody);
        continue;
      }
      expect(fast.status, path).toBe(200);
      const [fastData, routedData] = [fastBody, routedBody].map((body) => (JSON.parse(body) as { data: Hex }).data) as [Hex, Hex];
      expect(await verifyAnswer(callData, fastData)).toBe(await verifyAnswer(callData, routedData));
    }
  });

  test("answers 304 to the answer's own ETag, and passes what it does not handle (percent-encoding, extra segments, POST) to the route", async () => {
    const { createExecutionContext, env, waitOnExecutionContext } = await import("cloudflare:test");
    const { fetchLookup, lookupApp } = await import("../src/app/lookupApp");
    const callData = resolveCallData("alice.demo.eth", { functionName: "text", key: "etag-check" });
    const path = `http://gateway.test/ccip/${SENDER}/${callData}.json`;
    const send = async (handle: (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>, headers: HeadersInit = {}) => {
      const ctx = createExecutionContext();
      const response = await handle(new Request(path, { headers }), env, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    };
    // Cached from its second sighting: from then on the same signed bytes, so the same ETag.
    await send(fetchLookup);
    const etag = (await send(fetchLookup)).headers.get("ETag") as string;
    for (const handle of [fetchLookup, lookupApp.fetch]) {
      const notModified = await send(handle, { "If-None-Match": etag });
      expect(notModified.status).toBe(304);
      expect(await notModified.text()).toBe("");
      expect(notModified.headers.get("ETag")).toBe(etag);
      expect(notModified.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect((await send(handle, { "If-None-Match": '"0xother"' })).status).toBe(200);
    }
    for (const [otherPath, init] of [
      [`/ccip/${SENDER}/${callData.replace("0x", "0%78")}.json`],
      [`/ccip/${SENDER}/${callData}.json/`],
      [`/ccip/${SENDER}/${callData}/extra`],
      ["/ccip", { method: "POST", body: JSON.stringify({ sender: SENDER, data: callData }) }],
    ] as [string, RequestInit?][]) {
      const [viaFast, viaRoute] = await bothWays(otherPath, init);
      expect(viaFast.status, otherPath).toBe(viaRoute.status);
      expect(stableHeaders(viaFast), otherPath).toEqual(stableHeaders(viaRoute));
    }
  });
});

describe("the lookup-only worker (worker/src/lookupWorker.ts)", () => {
  test("answers lookups as the main worker does, and every other path with a JSON 404", async () => {
    const { createExecutionContext, env, waitOnExecutionContext } = await import("cloudflare:test");
    const { default: lookupWorker } = await import("../src/lookupWorker");
    const send = async (path: string, init?: RequestInit) => {
      const ctx = createExecutionContext();
      const response = await lookupWorker.fetch(new Request(`http://gateway.test${path}`, init), env, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    };
    const callData = resolveCallData("alice.demo.eth", { functionName: "text", key: "description" });
    for (const response of [
      await send(`/ccip/${SENDER}/${callData}.json`),
      await send("/ccip", { method: "POST", body: JSON.stringify({ sender: SENDER, data: callData }) }),
    ]) {
      expect(response.status).toBe(200);
      const { data } = (await response.json()) as { data: Hex };
      expect(decodeString(await verifyAnswer(callData, data))).toBe("Alice on demo");
    }
    for (const path of ["/health", "/v1/names/alice.demo.eth", "/"]) await expectError(await send(path), 404, "not_found");
  });
});

describe("POST /ccip", () => {
  test("answers {sender, data} whatever the Content-Type", async () => {
    const callData = resolveCallData("alice.demo.eth", { functionName: "text", key: "description" });
    for (const contentType of ["application/json", "text/plain", ""]) {
      const response = await call("/ccip", {
        method: "POST",
        headers: contentType ? { "Content-Type": contentType } : {},
        body: JSON.stringify({ sender: SENDER, data: callData }),
      });
      expect(response.status).toBe(200);
      const { data } = (await response.json()) as { data: Hex };
      expect(decodeString(await verifyAnswer(callData, data))).toBe("Alice on demo");
    }
  });

  test.each([
    ["invalid JSON", "{not json", "invalid_json"],
    ["a JSON array", "[]", "invalid_request"],
    ["missing data", JSON.stringify({ sender: SENDER }), "invalid_request"],
    ["a numeric sender", JSON.stringify({ sender: 5, data: "0x" }), "invalid_request"],
  ])("rejects %s with 400", async (_, body, code) => {
    await expectError(await call("/ccip", { method: "POST", body }), 400, code);
  });

  test("rejects an oversized body with 413", async () => {
    const body = JSON.stringify({ sender: SENDER, data: `0x${"00".repeat(40_000)}` });
    await expectError(await call("/ccip", { method: "POST", body }), 413, "payload_too_large");
  });
});

describe("CORS and unknown routes", () => {
  test("answers the preflight", async () => {
    const response = await call("/ccip", {
      method: "OPTIONS",
      headers: { Origin: "https://app.ens.domains", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Access-Control-Allow-Methods")).toContain("POST");
    expect(response.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("content-type");
  });

  test("sets CORS headers on answers and errors", async () => {
    const callData = resolveCallData("alice.demo.eth", { functionName: "addr" });
    const ok = await call(`/ccip/${SENDER}/${callData}.json`, { headers: { Origin: "https://example.org" } });
    expect(ok.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const bad = await call(`/ccip/${SENDER}/0xzz.json`, { headers: { Origin: "https://example.org" } });
    expect(bad.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  test("answers an unknown route with a JSON 404", async () => {
    await expectError(await call("/nope"), 404, "not_found");
  });
});

describe("GET /health", () => {
  test("reports version, signer and configured resolvers", async () => {
    const response = await call("/health");
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "ok", signer: gatewaySigner.address, signatureTtlSeconds: 300 });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.resolvers).toContainEqual({ domain: "demo.eth", resolver: RESOLVER, chainId: 31337 });
  });
});
