/**
 * D1 read replication (Sessions API), run locally by workerd's own D1: every request reads through a
 * session that starts at the client's `X-D1-Bookmark`, and every answer carries the session's
 * bookmark, so a client that sends it back reads its own writes on any replica.
 */
import { describe, expect, test } from "vitest";
import { adminPut, call, expectError, registerDomain, SENDER } from "./fixtures";

const BOOKMARK = "X-D1-Bookmark";

describe("D1 sessions", () => {
  test("a write answers with a bookmark; a read sent with it sees the write and answers with one no older", async () => {
    await registerDomain("replica.eth");
    const written = await adminPut("/v1/names/bob.replica.eth", { owner: SENDER, texts: { url: "https://bob.example" } });
    expect(written.status).toBe(200);
    const afterWrite = written.headers.get(BOOKMARK);
    expect(afterWrite).toMatch(/^[0-9a-f-]+$/);
    const read = await call("/v1/names/bob.replica.eth", { headers: { [BOOKMARK]: afterWrite as string } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { texts: Record<string, string> }).texts.url).toBe("https://bob.example");
    // D1's bookmarks order lexicographically: the read's session is at least where the write left off.
    expect((read.headers.get(BOOKMARK) ?? "") >= (afterWrite as string)).toBe(true);
  });

  test("reads without a bookmark work (any replica) and still tell where they read; a request that read nothing sends none", async () => {
    const response = await call("/v1/names/bob.replica.eth");
    expect(response.status).toBe(200);
    expect(response.headers.get(BOOKMARK)).toMatch(/^[0-9a-f-]+$/);
    // /health answers from the isolate's cached domain list: no D1 query, no bookmark to give.
    await call("/health");
    expect((await call("/health")).headers.get(BOOKMARK)).toBeNull();
  });

  test("a malformed bookmark is the client's mistake: 400 naming the header", async () => {
    for (const junk of ["not a bookmark", "0000'; DROP TABLE names; --", "x".repeat(300)]) {
      const message = await expectError(await call("/v1/domains", { headers: { [BOOKMARK]: junk } }), 400, "invalid_input");
      expect(message).toContain(BOOKMARK);
    }
  });

  test("browsers may send and read the header (CORS)", async () => {
    const preflight = await call("/v1/domains", {
      method: "OPTIONS",
      headers: { Origin: "https://app.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-d1-bookmark" },
    });
    expect(preflight.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("x-d1-bookmark");
    const response = await call("/v1/domains", { headers: { Origin: "https://app.example" } });
    expect(response.headers.get("Access-Control-Expose-Headers")?.toLowerCase()).toContain("x-d1-bookmark");
  });
});
