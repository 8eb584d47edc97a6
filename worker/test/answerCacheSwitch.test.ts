import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { decodeAbiParameters, type Hex } from "viem";
import { namehash } from "viem/ens";
import { beforeAll, describe, expect, test } from "vitest";
import { app } from "../src/app/app";
import { adminPut, alice, expectError, RESOLVER, registerDomain, resolveCallData } from "./fixtures";

const name = "switch.cacheswitch.eth";
const path = `/ccip/${RESOLVER}/${resolveCallData(name, { functionName: "text", key: "url" })}.json`;

/** A lookup through the app with `vars` over the worker's bindings, its deferred cache writes awaited. */
async function lookupWith(vars: Partial<Env>): Promise<Response> {
  const context = createExecutionContext();
  const response = await app.request(`http://gateway.test${path}`, {}, { ...env, ...vars }, context);
  await waitOnExecutionContext(context);
  return response;
}

async function urlWith(vars: Partial<Env>): Promise<string> {
  const response = await lookupWith(vars);
  expect(response.status).toBe(200);
  const { data } = (await response.json()) as { data: Hex };
  const [result] = decodeAbiParameters([{ type: "bytes" }, { type: "uint64" }, { type: "bytes" }], data);
  return decodeAbiParameters([{ type: "string" }], result)[0];
}

beforeAll(async () => {
  await registerDomain("cacheswitch.eth");
  expect((await adminPut(`/v1/names/${name}`, { owner: alice.address, texts: { url: "https://before" } })).status).toBe(200);
});

describe("ANSWER_CACHE", () => {
  test('"on" reuses a signed answer (a change made behind the API stays unseen); "off" reads D1 every time', async () => {
    for (let sighting = 0; sighting < 3; sighting++) expect(await urlWith({ ANSWER_CACHE: "on" })).toBe("https://before");
    // Behind the API's back (no forgetting): only an uncached lookup can see this.
    await env.DB.prepare("UPDATE text_records SET value = 'https://after' WHERE node = ? AND key = 'url'").bind(namehash(name)).run();
    expect(await urlWith({ ANSWER_CACHE: "on" })).toBe("https://before");
    expect(await urlWith({ ANSWER_CACHE: "off" })).toBe("https://after");
  });

  test("anything but on/off is the deployment's mistake: 500 misconfigured (the log names the setting)", async () => {
    expect(await expectError(await lookupWith({ ANSWER_CACHE: "sometimes" }), 500, "misconfigured")).toBe("The gateway is misconfigured");
  });
});
