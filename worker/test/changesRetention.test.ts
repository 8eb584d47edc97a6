import { createScheduledController, env } from "cloudflare:test";
import { beforeAll, describe, expect, test } from "vitest";
import worker from "../src/index";
import type { NameView } from "../src/registry/apiTypes";
import { follow as followDomain, page, rebuild } from "./feedFixtures";
import { ADMIN_TOKEN, adminPut, alice, call, expectError, RESOLVER } from "./fixtures";

const DOMAIN = "retained.eth";
const DAY_MS = 24 * 60 * 60 * 1000;
/** Every change of the domain after `after` (from the beginning when omitted). */
const follow = (limit: number, after?: string) => followDomain(DOMAIN, limit, after);
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" };

/** The domain's export, name by name (what the feed must rebuild). */
async function exported(): Promise<Map<string, unknown>> {
  const response = await call(`/v1/domains/${DOMAIN}/export`, { headers: admin });
  expect(response.status).toBe(200);
  const lines = new TextDecoder()
    .decode(await response.arrayBuffer())
    .trim()
    .split("\n")
    .filter(Boolean);
  return new Map(lines.map((line) => JSON.parse(line) as { name: string }).map((entry) => [entry.name, entry]));
}

/** The export's shape of a name the feed rebuilt. */
function asExported(view: NameView): unknown {
  const { domain: _domain, ...portable } = view;
  return JSON.parse(JSON.stringify(portable));
}

async function expectEqualToExport(state: Map<string, NameView>): Promise<void> {
  const expected = await exported();
  expect([...state.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [name, view] of state) expect(asExported(view)).toEqual(expected.get(name));
}

async function runCron(atMs: number, vars: Record<string, string> = {}): Promise<void> {
  await worker.scheduled(createScheduledController({ scheduledTime: atMs }), { ...env, ...vars });
}

const feedRows = async () => (await env.DB.prepare("SELECT count(*) AS rows FROM name_changes WHERE domain = ?").bind(DOMAIN).first<{ rows: number }>())?.rows;

/** Writes a history: creates, updates, deletes, a name deleted and created again, a bulk import. */
async function writeHistory(tag: string): Promise<void> {
  for (let index = 0; index < 6; index++) {
    const name = `${tag}${index}.${DOMAIN}`;
    expect((await adminPut(`/v1/names/${name}`, { owner: alice.address, texts: { round: "1" } })).status).toBe(200);
    expect((await adminPut(`/v1/names/${name}`, { owner: alice.address, texts: { round: "2" } })).status).toBe(200);
    if (index % 3 === 0) expect((await call(`/v1/names/${name}`, { method: "DELETE", headers: admin })).status).toBe(200);
  }
  expect((await adminPut(`/v1/names/${tag}0.${DOMAIN}`, { owner: alice.address, texts: { round: "again" } })).status).toBe(200);
  const bulk = await call(`/v1/domains/${DOMAIN}/names/bulk`, {
    method: "POST",
    headers: admin,
    body: JSON.stringify({ names: [1, 2].map((index) => ({ name: `${tag}${index}.${DOMAIN}`, owner: alice.address, texts: { round: "bulk" } })) }),
  });
  expect(bulk.status).toBe(200);
}

beforeAll(async () => {
  expect((await adminPut(`/v1/domains/${DOMAIN}`, { resolverAddress: RESOLVER, chainId: 31337 })).status).toBe(200);
});

describe("change-feed retention", () => {
  test("history inside the window, or with CHANGES_RETENTION_DAYS = 0, is never folded", async () => {
    await writeHistory("young");
    const before = await feedRows();
    await runCron(Date.now());
    await runCron(Date.now() + 40 * DAY_MS, { CHANGES_RETENTION_DAYS: "0" });
    expect(await feedRows()).toBe(before);
  });

  test("older history folds into one put per live name: following from the beginning still ends equal to the export; an old cursor gets 410", async () => {
    await writeHistory("old");
    const { changes: history, cursor: end } = await follow(7);
    const middle = history[5]?.cursor as string;
    const rebuiltBefore = rebuild(history);
    await expectEqualToExport(rebuiltBefore);
    const rowsBefore = await feedRows();

    await runCron(Date.now() + 40 * DAY_MS);

    // One put per live name, nothing else.
    const { changes: folded } = await follow(4);
    expect(folded.every((change) => change.kind === "put")).toBe(true);
    expect(folded.map((change) => change.name).sort()).toEqual([...rebuiltBefore.keys()].sort());
    expect(await feedRows()).toBe(rebuiltBefore.size);
    expect(rowsBefore).toBeGreaterThan(rebuiltBefore.size);
    const rebuiltAfter = rebuild(folded);
    expect(rebuiltAfter).toEqual(rebuiltBefore);
    await expectEqualToExport(rebuiltAfter);

    // A consumer in the middle of the old history may have missed a delete: it must start over.
    const expired = await call(`/v1/changes?domain=${DOMAIN}&after=${middle}`);
    const message = await expectError(expired, 410, "cursor_expired");
    expect(message).toMatch(/restart from the beginning/);
    // One that had read it all goes on; so does a cursor of another database's shape ("DB:…").
    expect((await page(`domain=${DOMAIN}&after=${end}`)).changes).toEqual([]);
    expect((await page(`domain=${DOMAIN}&after=DB:${end}`)).changes).toEqual([]);

    // New writes come after the folded puts, and a consumer following from the beginning sees both.
    expect((await call(`/v1/names/old1.${DOMAIN}`, { method: "DELETE", headers: admin })).status).toBe(200);
    expect((await adminPut(`/v1/names/fresh.${DOMAIN}`, { owner: alice.address, texts: { round: "new" } })).status).toBe(200);
    const { changes: all } = await follow(3);
    await expectEqualToExport(rebuild(all));
    expect(all.slice(-2).map((change) => [change.kind, change.name])).toEqual([
      ["delete", `old1.${DOMAIN}`],
      ["put", `fresh.${DOMAIN}`],
    ]);
    // Compactions come at most about daily: rows older than the window by less than a day stay.
    const rows = await feedRows();
    await runCron(Date.now() + 30.5 * DAY_MS);
    expect(await feedRows()).toBe(rows);
  });

  test("a consumer reading folded history goes on until the next compaction, then gets 410 and rebuilds from the beginning", async () => {
    await runCron(Date.now() + 40 * DAY_MS);
    const first = await page(`domain=${DOMAIN}&limit=2`);
    expect(first.more).toBe(true);
    // Inside folded history the cursor names the compaction it was issued in.
    expect(first.cursor).toMatch(/^\d+@\d+$/);
    const second = await page(`domain=${DOMAIN}&limit=2&after=${first.cursor}`);
    expect(second.changes).toHaveLength(2);

    await writeHistory("later");
    await runCron(Date.now() + 80 * DAY_MS);
    await expectError(await call(`/v1/changes?domain=${DOMAIN}&after=${second.cursor}`), 410, "cursor_expired");
    await expectEqualToExport(rebuild((await follow(5)).changes));
  });

  test("a cursor naming an unknown compaction, or malformed, is refused as such", async () => {
    await expectError(await call("/v1/changes?after=1@x"), 400, "invalid_input");
    await expectError(await call("/v1/changes?after=1@"), 400, "invalid_input");
    await expectError(await call(`/v1/changes?domain=${DOMAIN}&after=1@999999`), 410, "cursor_expired");
  });
});
