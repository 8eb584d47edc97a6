import { describe, expect, test } from "vitest";
import { fetchOutsideJson } from "./fetchOutsideJson";

/** A transport whose fetch answers with `answer` and records every call (a refusal must make none). */
function transportAnswering(answer: () => Response, allowLoopback = false) {
  const calls: { url: string; init?: RequestInit }[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), ...(init && { init }) });
    return answer();
  }) as typeof globalThis.fetch;
  return { calls, transport: { fetch, targets: { allowLoopback } } };
}

describe("fetchOutsideJson: a URL a stranger chose, under the outbound policy", () => {
  test.each(["http://127.0.0.1/p", "http://10.0.0.5/p", "http://169.254.169.254/latest/meta-data", "http://[::1]/p", "file:///etc/passwd"])(
    "%s is refused before any connection",
    async (url) => {
      const { calls, transport } = transportAnswering(() => Response.json({}));
      await expect(fetchOutsideJson(transport, url)).rejects.toThrow(/not fetched: the profile URL points at/);
      expect(calls).toEqual([]);
    },
  );

  test("JSON from an allowed target; redirects are not followed", async () => {
    const ok = transportAnswering(() => Response.json({ a: 1 }));
    expect(await fetchOutsideJson(ok.transport, "https://profiles.example/a")).toEqual({ a: 1 });
    expect(ok.calls[0]?.init?.redirect).toBe("manual");
    const redirect = transportAnswering(() => new Response(null, { status: 302, headers: { Location: "http://127.0.0.1/" } }));
    await expect(fetchOutsideJson(redirect.transport, "https://profiles.example/a")).rejects.toThrow(/redirect \(HTTP 302\), which is not followed/);
  });

  test("a document over the size cap, an error status and non-JSON are refused", async () => {
    const huge = transportAnswering(() => new Response("x".repeat(10 * 1024 * 1024)));
    await expect(fetchOutsideJson(huge.transport, "https://profiles.example/a")).rejects.toThrow(/larger than 65536 bytes/);
    await expect(fetchOutsideJson(transportAnswering(() => new Response("no", { status: 404 })).transport, "https://profiles.example/a")).rejects.toThrow(
      /HTTP 404/,
    );
    await expect(fetchOutsideJson(transportAnswering(() => new Response("<html>")).transport, "https://profiles.example/a")).rejects.toThrow(/not valid JSON/);
  });
});
