import { createScheduledController, env } from "cloudflare:test";
import { beforeAll, describe, expect, test } from "vitest";
import { createDatabase } from "../src/db/client";
import { deliverNameEvents } from "../src/db/nameLifecycle";
import worker from "../src/index";
import { relayNameLifecycle } from "../src/relay/nameLifecycle";
import { ADMIN_TOKEN, adminPut, alice, call, RESOLVER } from "./fixtures";

// A name's lifecycle across databases: the relay keeps its data in DB; far.eth's names live in
// DB_2 (vitest.config.ts). Its deletes and new owners reach the relay through events recorded in
// the name write's own batch in DB_2 and handed over after it (or by the cron).

const DOMAIN = "far.eth";
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const directory = createDatabase(env.DB);
const names = createDatabase(env.DB_2);
const relay = [relayNameLifecycle(directory)];

const pendingEvents = async () => (await env.DB_2.prepare("SELECT count(*) AS n FROM name_lifecycle_events").first<number>("n")) ?? 0;
const messagesOf = async (recipient: string) =>
  (await env.DB.prepare("SELECT id FROM messages WHERE recipient = ? ORDER BY id").bind(recipient).all<{ id: string }>()).results.map((row) => row.id);

async function storeMessage(recipient: string, id: string, receivedAtMs: number) {
  await env.DB.prepare("INSERT INTO messages (id, recipient, sender, message_hash, envelope, received_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?, NULL)")
    .bind(id, recipient, "sender.elsewhere.eth", `0x${id}`, "{}", receivedAtMs)
    .run();
}

/** An event as a name write records it when its hand-over fails (the write's batch commits it). */
async function recordEvent(kind: "deleted" | "owner_changed", name: string, atMs: number) {
  await env.DB_2.prepare("INSERT INTO name_lifecycle_events (kind, name, at_ms) VALUES (?, ?, ?)").bind(kind, name, atMs).run();
}

beforeAll(async () => {
  expect((await adminPut(`/v1/domains/${DOMAIN}`, { resolverAddress: RESOLVER, chainId: 31337, database: "DB_2" })).status).toBe(200);
});

describe("name lifecycle events across databases", () => {
  test("a write records its event in its own batch and hands it over at once: nothing stays pending", async () => {
    const name = `gone.${DOMAIN}`;
    expect((await adminPut(`/v1/names/${name}`, { owner: alice.address })).status).toBe(200);
    await storeMessage(name, "m1", Date.now() - 1_000);
    expect((await call(`/v1/names/${name}`, { method: "DELETE", headers: admin })).status).toBe(200);
    expect(await messagesOf(name)).toEqual([]);
    expect(await pendingEvents()).toBe(0);
  });

  test("an event handed over late forgets only what arrived before the change, never what a new owner received since", async () => {
    const name = `late.${DOMAIN}`;
    const changedAtMs = 1_900_000_000_000;
    await storeMessage(name, "before", changedAtMs - 1);
    await storeMessage(name, "after", changedAtMs + 1);
    await recordEvent("owner_changed", name, changedAtMs);
    expect(await deliverNameEvents(names, relay)).toBe(1);
    expect(await messagesOf(name)).toEqual(["after"]);
    expect(await pendingEvents()).toBe(0);
    // Delivered twice (two requests racing for one event) is the same as once.
    await recordEvent("owner_changed", name, changedAtMs);
    expect(await deliverNameEvents(names, relay)).toBe(1);
    expect(await messagesOf(name)).toEqual(["after"]);
  });

  test("the cron delivers events whose hand-over failed", async () => {
    const name = `cron.${DOMAIN}`;
    const deletedAtMs = Date.now();
    await storeMessage(name, "left-behind", deletedAtMs - 10);
    await recordEvent("deleted", name, deletedAtMs);
    expect(await pendingEvents()).toBe(1);
    await worker.scheduled(createScheduledController({ scheduledTime: deletedAtMs + 60_000 }), env);
    expect(await messagesOf(name)).toEqual([]);
    expect(await pendingEvents()).toBe(0);
  });

  test("where every listener shares the names' database, the batch answers itself and records no event", async () => {
    expect(await deliverNameEvents(directory, relay)).toBe(0);
    const name = `here.one-db.eth`;
    expect((await adminPut("/v1/domains/one-db.eth", { resolverAddress: RESOLVER, chainId: 31337 })).status).toBe(200);
    expect((await adminPut(`/v1/names/${name}`, { owner: alice.address })).status).toBe(200);
    await storeMessage(name, "m2", Date.now() - 1_000);
    expect((await call(`/v1/names/${name}`, { method: "DELETE", headers: admin })).status).toBe(200);
    expect(await messagesOf(name)).toEqual([]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM name_lifecycle_events").first<number>("n")).toBe(0);
  });
});
