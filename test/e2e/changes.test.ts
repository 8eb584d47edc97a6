/**
 * The change feed end to end: an indexer finds the feed through ENS (the domain's `registry.changes`
 * text record, resolved on chain with CCIP-Read), follows it with the SDK from the beginning while
 * services write (PUT, PATCH, DELETE, bulk, owner-signed writes) at the same time, and ends up with
 * exactly what the domain's export holds.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createPublicClient, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { type ChangeView, createRegistryClient, type NameView, type RegistryClient, resolveRecord } from "../../sdk/src/index";
import { ensureDevSecrets } from "../../scripts/stack/devVars";
import { findFreePort } from "../../scripts/stack/processes";
import { type Stack, startStack } from "../../scripts/stack/startStack";

let stack: Stack;
let stateDir: string;
let registry: RegistryClient;

before(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), "dm3-changes-"));
  stack = await startStack({ rpcPort: await findFreePort(), workerPort: await findFreePort(), inspectorPort: await findFreePort(), stateDir });
  registry = createRegistryClient({ url: stack.info.gatewayUrl, credential: (await ensureDevSecrets()).adminToken });
});

after(async () => {
  await stack?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

/** The writes of one service over a while: creates, updates, deletes, a bulk import, owner-signed writes. */
async function writeConcurrently(domain: string): Promise<void> {
  const owner = privateKeyToAccount(generatePrivateKey());
  const writer = async (worker: number) => {
    for (let round = 0; round < 8; round++) {
      const name = `w${worker}-${round}.${domain}`;
      await registry.putName(name, { owner: owner.address, texts: { round: String(round) } });
      if (round % 2 === 0) await registry.patchName(name, { texts: { patched: "yes", round: null } });
      if (round % 3 === 0) await registry.deleteName(name);
    }
  };
  const bulk = async () => {
    for (let batch = 0; batch < 3; batch++) {
      const names = Array.from({ length: 40 }, (_, index) => ({
        name: `bulk${batch}-${index}.${domain}`,
        owner: owner.address,
        texts: { batch: String(batch) },
      }));
      const result = await registry.bulkPut(domain, names);
      assert.equal(result.failed, 0);
    }
  };
  const selfService = async () => {
    for (let user = 0; user < 3; user++) {
      const account = privateKeyToAccount(generatePrivateKey());
      const name = `${account.address.toLowerCase()}.${domain}`;
      await registry.signedWrite(name, account, { action: "put", records: { owner: account.address, texts: { url: `https://user${user}.example` } } });
      await registry.signedWrite(name, account, { action: "put", records: { owner: account.address, texts: { url: `https://user${user}.example/2` } } });
    }
  };
  await Promise.all([writer(0), writer(1), writer(2), bulk(), selfService()]);
}

describe("the change feed", () => {
  it("is advertised on chain, and following it from the beginning while writes happen rebuilds exactly the export", async () => {
    const domain = stack.info.domain;
    // An indexer that knows only the domain finds the feed through ENS (registry → resolver → gateway).
    const client = createPublicClient({ chain: hardhat, transport: http(stack.info.rpcUrl) });
    const feedUrl = await resolveRecord(client, stack.info.ensRegistry, domain, { kind: "text", key: "registry.changes" });
    assert.equal(feedUrl, `${stack.info.gatewayUrl}/v1/changes?domain=${domain}`);

    const state = new Map<string, NameView>();
    let lastCursor: string | undefined;
    let seen = 0;
    const apply = (change: ChangeView) => {
      seen++;
      lastCursor = change.cursor;
      if (change.kind === "delete") state.delete(change.name);
      else {
        const { kind: _kind, cursor: _cursor, atSeconds: _at, ...view } = change;
        state.set(change.name, view);
      }
    };
    const stop = new AbortController();
    const follower = (async () => {
      for await (const change of registry.followChanges({ domain, limit: 25, pollMs: 50, signal: stop.signal })) apply(change);
    })();

    await writeConcurrently(domain);
    // Caught up: nothing after the last change the follower handled.
    for (let attempt = 0; ; attempt++) {
      const rest = await registry.listChanges({ domain, ...(lastCursor ? { after: lastCursor } : {}) });
      if (rest.changes.length === 0 && seen > 0) break;
      assert.ok(attempt < 200, "the follower never caught up");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    stop.abort();
    await follower;

    const exported = (await registry.exportDomain(domain))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Omit<NameView, "domain">);
    assert.ok(exported.length > 100, `expected the writes in the export, got ${exported.length} names`);
    assert.deepEqual(
      [...state.keys()].sort(),
      exported.map((entry) => entry.name),
    );
    for (const entry of exported) {
      const { domain: rebuiltDomain, ...rebuilt } = state.get(entry.name) as NameView;
      assert.equal(rebuiltDomain, domain);
      assert.deepEqual(rebuilt, entry, entry.name);
    }
  });
});
