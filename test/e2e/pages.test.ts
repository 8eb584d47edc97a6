/**
 * The pages in a real browser: Debian's Chromium, driven by playwright-core, against the local stack
 * (chain, resolver, worker). A test wallet is injected as `window.ethereum` (EIP-1193), backed by a
 * viem account in this process. The owner edits a text record, signs, and sees the new value on the
 * page and through a CCIP-Read lookup on chain; another wallet is refused with the page's message.
 * With SCREENSHOTS_DIR set, the pages are also saved as PNGs (docs/pages.md's screenshots).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { createPublicClient, type Hex, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { createRegistryClient, emailBridgeName, resolveRecord } from "../../sdk/src/index";
import { waitForMail } from "../../scripts/stack/localMail";
import { ensureDevSecrets } from "../../scripts/stack/devVars";
import { findFreePort } from "../../scripts/stack/processes";
import { type Stack, startStack } from "../../scripts/stack/startStack";

/** Debian's chromium package (browser downloads do not work here). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOTS_DIR = process.env.SCREENSHOTS_DIR;

let stack: Stack;
let stateDir: string;
let browser: Browser;
const owner = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());
let name: string;

before(async () => {
  // Not skipped when the browser is missing: the suite fails and says what to install.
  assert.ok(
    existsSync(CHROMIUM),
    `Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH`,
  );
  stateDir = await mkdtemp(path.join(tmpdir(), "dm3-pages-"));
  stack = await startStack({ rpcPort: await findFreePort(), workerPort: await findFreePort(), inspectorPort: await findFreePort(), stateDir });
  const registry = createRegistryClient({ url: stack.info.gatewayUrl, credential: (await ensureDevSecrets()).adminToken });
  name = `pageowner.${stack.info.domain}`;
  await registry.putName(name, { owner: owner.address, texts: { url: "https://before.example" } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

/** A page whose `window.ethereum` is a wallet holding `account` (reads go to the local chain). */
async function pageWithWallet(account: ReturnType<typeof privateKeyToAccount>, viewport = { width: 1100, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  await context.exposeBinding("__testWallet", async (_source, method: string, params: unknown[]) => {
    switch (method) {
      case "eth_requestAccounts":
      case "eth_accounts":
        return [account.address];
      case "eth_chainId":
        return `0x${hardhat.id.toString(16)}`;
      case "personal_sign":
        return account.signMessage({ message: { raw: params[0] as Hex } });
      case "eth_signTypedData_v4":
        return account.signTypedData(JSON.parse(params[1] as string));
      default: {
        const response = await fetch(stack.info.rpcUrl, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
        });
        const answer = (await response.json()) as { result?: unknown; error?: { message: string } };
        if (answer.error) throw new Error(answer.error.message);
        return answer.result;
      }
    }
  });
  // A string, not a function: tsx's compiled functions reference helpers the page does not have.
  await context.addInitScript(`
    window.ethereum = {
      request: ({ method, params }) => window.__testWallet(method, params ?? []),
      on: () => undefined,
      removeListener: () => undefined,
    };
  `);
  return context.newPage();
}

async function screenshot(page: Page, file: string, fullPage = true) {
  if (!SCREENSHOTS_DIR) return;
  await mkdir(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, file), fullPage });
}

const text = async (page: Page, selector: string) => (await page.locator(selector).textContent()) ?? "";

describe("pages in Chromium", () => {
  it("the home page is usable from the keyboard and leads to a name's page, which is verified on chain", async () => {
    const page = await pageWithWallet(owner);
    await page.goto(stack.info.gatewayUrl);
    assert.match(await page.title(), /dm3 registry/);
    await screenshot(page, "home.png");
    for (let presses = 0; presses < 10 && (await page.evaluate(() => document.activeElement?.id)) !== "q"; presses++) await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "q", "the search box is reachable with Tab");
    await page.keyboard.type(name);
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/name/${name}`);
    await page.locator("#chain-check.ok").waitFor({ timeout: 30_000 });
    assert.match(await text(page, "#chain-check"), /Verified on chain/);
    await page.context().close();
  });

  it("the owner edits a text record with the wallet: the page and a CCIP-Read lookup on chain show the new value", async () => {
    const page = await pageWithWallet(owner);
    await page.goto(`${stack.info.gatewayUrl}/name/${name}`);
    await page.locator("#chain-check.ok").waitFor({ timeout: 30_000 });
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.locator("#wallet.ok").waitFor();
    assert.match(await text(page, "#wallet"), /the owner/);
    await page.getByLabel("Text records (one key=value per line)").fill("url=https://after.example\nbio=edited in the browser");
    await page.getByRole("button", { name: "Sign and save" }).click();
    await page.locator("#edit-status.ok").waitFor({ timeout: 30_000 });
    assert.match(await text(page, "#edit-status"), /Saved/);
    assert.match(await text(page, "#texts-table"), /https:\/\/after\.example/);
    assert.match(await text(page, "#texts-table"), /edited in the browser/);
    await page.locator("#chain-check.ok").waitFor({ timeout: 30_000 });

    const client = createPublicClient({ chain: hardhat, transport: http(stack.info.rpcUrl) });
    assert.equal(await resolveRecord(client, stack.info.ensRegistry, name, { kind: "text", key: "url" }), "https://after.example");
    assert.equal(await resolveRecord(client, stack.info.ensRegistry, name, { kind: "text", key: "bio" }), "edited in the browser");
    // New DM3 keys, made in the browser and signed by the wallet, become the name's profile.
    await page.getByRole("button", { name: "Create new DM3 keys" }).click();
    await page.locator("#edit-status.ok").filter({ hasText: "New DM3 keys" }).waitFor({ timeout: 30_000 });
    const secrets = JSON.parse(await page.getByLabel(/New DM3 private keys/).inputValue()) as { signingKey: string; encryptionKey: string };
    assert.ok(secrets.signingKey.length > 40 && secrets.encryptionKey.length > 20, "the private keys are shown to the user");
    await page.getByRole("button", { name: "Sign and save" }).click();
    await page.locator("#edit-status.ok").filter({ hasText: "Saved" }).waitFor({ timeout: 30_000 });
    await page.locator("#chain-check.ok").waitFor({ timeout: 30_000 });
    const onChainProfile = await resolveRecord(client, stack.info.ensRegistry, name, { kind: "text", key: "network.dm3.profile" });
    assert.match(String(onChainProfile), /^data:application\/json,/);
    // A reload shows what the registry stored, the new profile signed by the owner.
    await page.reload();
    assert.match(await text(page, "#texts-table"), /https:\/\/after\.example/);
    await page.locator("#profile-signature.ok").waitFor();
    await page.locator("#chain-check.ok").waitFor({ timeout: 30_000 });
    await screenshot(page, "name.png");
    await page.context().close();
  });

  it("another wallet is refused with the page's message, and nothing changes", async () => {
    const page = await pageWithWallet(stranger);
    await page.goto(`${stack.info.gatewayUrl}/name/${name}`);
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.locator("#wallet.bad").waitFor();
    assert.match(await text(page, "#wallet"), /not the owner/);
    await page.getByLabel("Text records (one key=value per line)").fill("url=https://hijacked.example");
    await page.getByRole("button", { name: "Sign and save" }).click();
    await page.locator("#edit-status.bad").waitFor({ timeout: 30_000 });
    const message = await text(page, "#edit-status");
    assert.match(message, /Refused/);
    assert.match(message, new RegExp(`Connect the wallet of ${owner.address}`));
    const client = createPublicClient({ chain: hardhat, transport: http(stack.info.rpcUrl) });
    assert.equal(await resolveRecord(client, stack.info.ensRegistry, name, { kind: "text", key: "url" }), "https://after.example");
    await page.context().close();
  });

  it("reads on a phone without sideways scrolling, and the API reference renders the OpenAPI document from local files", async () => {
    const phone = await pageWithWallet(owner, { width: 390, height: 844 });
    await phone.goto(`${stack.info.gatewayUrl}/name/${name}`);
    assert.ok((await phone.evaluate(() => document.documentElement.scrollWidth)) <= 390, "no horizontal overflow at 390 px");
    await phone.context().close();

    const page = await pageWithWallet(owner);
    const external: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(stack.info.gatewayUrl) && !request.url().startsWith("data:")) external.push(request.url());
    });
    await page.goto(`${stack.info.gatewayUrl}/docs`);
    await page.locator(".opblock").first().waitFor({ timeout: 30_000 });
    assert.ok((await page.locator(".opblock").count()) > 20, "every operation is listed");
    assert.deepEqual(external, [], "the reference loads nothing from elsewhere");
    await screenshot(page, "docs.png", false);
    await page.context().close();
  });

  it("the email bridge's page: an address opts in with the mailed link, sees its identity, then gets its management link and deletes it — no script needed", async () => {
    const email = "page.user@example.com";
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${stack.info.gatewayUrl}/bridge/email`);
    assert.match((await page.locator("body").textContent()) ?? "", /custodial/);
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, "no horizontal overflow at 390 px");
    await page.getByLabel("Your email address").fill(email);
    await page.getByLabel("A readable name (optional)").fill("paula");
    await page.getByRole("button", { name: "Mail me a code" }).click();
    assert.equal(await page.locator("h1").textContent(), "Check your mail");

    const mail = await waitForMail(stack.info.gatewayUrl, { to: email, subject: /^Your DM3 bridge code/ });
    const link = /(http:\/\/\S+\/bridge\/email\/confirm\?\S+)/.exec(mail.text ?? "")?.[1] ?? "";
    await page.goto(link);
    await page.getByRole("button", { name: "Confirm" }).click();
    assert.equal(await page.locator("h1").textContent(), "You are on DM3");
    assert.match((await page.locator("body").textContent()) ?? "", new RegExp(`paula\\.${stack.info.bridge.domain.replaceAll(".", "\\.")}`));
    assert.ok(!(await page.content()).includes(email), "the page never shows the address back");

    // Back on the page with the same address: the link that manages the identity comes by mail.
    await page.goto(`${stack.info.gatewayUrl}/bridge/email`);
    await page.getByLabel("Your email address").fill(email);
    await page.getByRole("button", { name: "Mail me a code" }).click();
    assert.match((await page.locator("body").textContent()) ?? "", /has a DM3 identity already/);
    const manageMail = await waitForMail(stack.info.gatewayUrl, { to: email, subject: /^Your DM3 identity on the email bridge$/ });
    const manage = /(http:\/\/\S+\/bridge\/email\/manage\?\S+)/.exec(manageMail.text ?? "")?.[1] ?? "";
    await page.goto(manage);
    assert.match((await page.locator("body").textContent()) ?? "", /Mail is delivered to your address/);
    await page.getByRole("button", { name: "Delete my DM3 identity" }).click();
    assert.equal(await page.locator("h1").textContent(), "Deleted");
    // The name is gone; the same link no longer works.
    const user = emailBridgeName(email, stack.info.bridge.domain);
    assert.equal((await fetch(`${stack.info.gatewayUrl}/v1/names/${user}`)).status, 404);
    assert.equal((await fetch(manage)).status, 404);
    await context.close();
  });
});
