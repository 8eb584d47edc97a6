import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, test } from "vitest";
import { signUserProfile } from "../src/protocol/dm3/profile";
import worker from "../src/index";
import type { NamePageData } from "../src/pages/NamePageData";
import { DEFAULT_ENS_REGISTRY, settingsOf } from "../src/settings/settingsOf";
import { adminPut, alice, call, RESOLVER, TEST_PROFILE } from "./fixtures";

const DOMAIN = "pages.eth";

beforeAll(async () => {
  expect((await adminPut(`/v1/domains/${DOMAIN}`, { resolverAddress: RESOLVER, chainId: 31337 })).status).toBe(200);
  const dm3Profile = await signUserProfile(alice, TEST_PROFILE);
  const put = await adminPut(`/v1/names/alice.${DOMAIN}`, {
    owner: alice.address,
    texts: { url: "https://alice.example", "<b>": "</script><script>alert(1)</script>" },
    dm3Profile,
  });
  expect(put.status).toBe(200);
});

async function html(path: string, status = 200): Promise<string> {
  const response = await call(path);
  expect(response.status).toBe(status);
  expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
  return response.text();
}

/** The page data of `name`'s page, served by a worker with `variables` in place of wrangler.toml's. */
async function pageDataWith(variables: Partial<Record<keyof Env, string>>, name: string): Promise<NamePageData> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://gateway.test/name/${name}`), { ...env, ...variables } as Env, ctx);
  await waitOnExecutionContext(ctx);
  expect(response.status).toBe(200);
  const json = /<script type="application\/json" id="page-data">(.*?)<\/script>/s.exec(await response.text())?.[1] ?? "";
  return JSON.parse(json) as NamePageData;
}

/** Every form control has a label pointing at it (a screen reader names each field). */
function expectLabelled(page: string) {
  const ids = [...page.matchAll(/<(?:input|textarea)[^>]*\sid="([^"]+)"/g)].map((match) => match[1]);
  expect(ids.length).toBeGreaterThan(0);
  for (const id of ids) expect(page, `label for ${id}`).toContain(`for="${id}"`);
}

/** Nothing is loaded from elsewhere: no third-party scripts, styles or trackers. */
function expectSelfContained(page: string) {
  expect(page).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)="(https?:)?\/\//);
}

describe("pages", () => {
  test("/ says what this is, lists the served domains, links the API reference and health, and has a labelled search box", async () => {
    const page = await html("/");
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('name="viewport"');
    expect(page).toContain(DOMAIN);
    for (const link of ['href="/docs"', 'href="/health"', 'href="/openapi.json"', 'href="/v1/changes"']) expect(page).toContain(link);
    expect(page).toContain('role="search"');
    expectLabelled(page);
    expectSelfContained(page);
  });

  test("search goes to the name's page", async () => {
    const response = await call(`/name?q=${encodeURIComponent(` Alice.${DOMAIN} `)}`, { redirect: "manual" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/name/alice.${DOMAIN}`);
    expect(await html("/name?q=", 400)).toContain("Nothing to look up");
  });

  test("a name's page shows its records, its DM3 profile with key fingerprints and signature check, and the owner's edit form", async () => {
    const page = await html(`/name/alice.${DOMAIN}`);
    expect(page).toContain(alice.address);
    expect(page).toContain("https://alice.example");
    expect(page).toContain("ds.demo.eth");
    expect(page).toContain("✓ Signed by the owner");
    expect(page).toMatch(/Signing key fingerprint<\/th><td class="mono">[0-9a-f]{4}( [0-9a-f]{4}){4}</);
    expect(page).toContain('src="/assets/name-page.js"');
    // Records are text, never markup: the hostile text record is escaped in the table and in the page data.
    expect(page).not.toContain("<script>alert(1)</script>");
    const json = /<script type="application\/json" id="page-data">(.*?)<\/script>/s.exec(page)?.[1] ?? "";
    const data = JSON.parse(json) as NamePageData;
    expect(data).toMatchObject({ name: `alice.${DOMAIN}`, owner: alice.address, chainId: 31337, texts: { url: "https://alice.example" } });
    expect(data.texts["<b>"]).toBe("</script><script>alert(1)</script>");
    expect(data.dm3Profile?.profile.deliveryServices).toEqual(["ds.demo.eth"]);
    expectLabelled(page);
    expectSelfContained(page);
  });

  test("the page and the worker agree on every default: the ENS registry, the public RPC URL, the delivery service", async () => {
    expect((await adminPut(`/v1/names/plain.${DOMAIN}`, { owner: alice.address })).status).toBe(200);
    const unset = { ENS_REGISTRY: "", PUBLIC_RPC_URL: "", DS_NAME: "" };
    const data = await pageDataWith(unset, `plain.${DOMAIN}`);
    // With ENS_REGISTRY empty the worker walks mainnet's registry: the page checks names against the same one.
    const walked = settingsOf({ ...env, ...unset, L1_RPC_URL: "http://127.0.0.1:8545" }).chain();
    expect(data.ensRegistry).toBe(DEFAULT_ENS_REGISTRY);
    expect(data.ensRegistry).toBe(walked?.ensRegistry);
    expect(data.rpcUrl).toBe("");
    expect(data.deliveryService).toBe("");
    // Set values reach the page as the worker reads them (an address checksummed, text trimmed).
    const set = { ENS_REGISTRY: " 0x5fbdb2315678afecb367f032d93f642f64180aa3 ", PUBLIC_RPC_URL: " https://rpc.example ", DS_NAME: " ds.demo.eth " };
    const configured = await pageDataWith(set, `plain.${DOMAIN}`);
    expect(configured.ensRegistry).toBe("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    expect(configured.ensRegistry).toBe(settingsOf({ ...env, ...set, L1_RPC_URL: "http://127.0.0.1:8545" }).chain()?.ensRegistry);
    expect(configured.rpcUrl).toBe("https://rpc.example");
    expect(configured.deliveryService).toBe(settingsOf({ ...env, ...set }).relay().dsName);
  });

  test("a profile not signed by the owner is marked as such", async () => {
    const dm3Profile = await signUserProfile(alice, TEST_PROFILE);
    expect((await adminPut(`/v1/names/bob.${DOMAIN}`, { owner: alice.address, dm3Profile })).status).toBe(200);
    // Every write path refuses this; only a change behind the API's back gets here.
    await env.DB.prepare("UPDATE names SET owner_address = ? WHERE name = ?").bind("0x000000000000000000000000000000000000dEaD", `bob.${DOMAIN}`).run();
    expect(await html(`/name/bob.${DOMAIN}`)).toContain("✗ Not signed by the owner");
  });

  test("unknown, unserved and malformed names are HTML error pages with the right status", async () => {
    expect(await html(`/name/nobody.${DOMAIN}`, 404)).toContain("not registered");
    expect(await html("/name/someone.elsewhere.eth", 404)).toContain("not under a domain this registry serves");
    expect(await html("/name/Not%20Valid", 400)).toContain("not a normalized ENS name");
  });

  test("/docs renders the OpenAPI document with swagger-ui served from here", async () => {
    const page = await html("/docs");
    expect(page).toContain('src="/vendor/swagger-ui/swagger-ui-bundle.js"');
    expect(page).toContain('href="/vendor/swagger-ui/swagger-ui.css"');
    expect(page).toContain('src="/assets/docs.js"');
    expectSelfContained(page);
  });
});
