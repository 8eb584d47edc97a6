import { encodeFunctionData, type Hex, parseAbi } from "viem";
import { describe, expect, test } from "vitest";
import { ccipGatewayRequest } from "./ccipGatewayRequest";
import { createOutsideFetch, OutsideRequestRefusedError } from "./outsideFetch";

/** A network that answers with `answer` and records every request (a refusal must make none). */
function network(answer: (url: string) => Response) {
  const requests: { url: string; init?: RequestInit }[] = [];
  const send = (async (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push({ url: String(input), ...(init && { init }) });
    return answer(String(input));
  }) as typeof fetch;
  return { requests, send };
}

const policy = { targets: () => ({ allowLoopback: false }), maxRequests: 3, maxResponseBytes: 1024, timeoutMs: 1000 };
const data = encodeFunctionData({ abi: parseAbi(["function resolve(bytes,bytes)"]), args: ["0x00", "0x"] });
const sender = "0x000000000000000000000000000000000000dEaD" as Hex;
/** `size` bytes of answer, streamed in 64 KiB chunks. */
const streamOf = (size: number) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let sent = 0; sent < size; sent += 65536) controller.enqueue(new Uint8Array(Math.min(65536, size - sent)));
      controller.close();
    },
  });

describe("createOutsideFetch: one policy for URLs strangers chose", () => {
  test.each([
    "http://127.0.0.1/x",
    "http://10.1.2.3/x",
    "http://169.254.169.254/latest/meta-data",
    "http://[::ffff:127.0.0.1]/x",
    "http://metadata.google.internal/x",
    "ftp://gateway.example/x",
  ])("%s is refused before any connection", async (url) => {
    const { requests, send } = network(() => Response.json({}));
    await expect(createOutsideFetch(policy, send)(url)).rejects.toThrow(OutsideRequestRefusedError);
    await expect(createOutsideFetch(policy, send)(url)).rejects.toThrow(/^not requested: .* points at /);
    expect(requests).toEqual([]);
  });

  test("never follows a redirect, always has a timeout", async () => {
    const { requests, send } = network(() => new Response(null, { status: 302, headers: { Location: "http://127.0.0.1/" } }));
    const response = await createOutsideFetch(policy, send)("https://gateway.example/x");
    expect(response.status).toBe(302);
    expect(requests[0]?.init?.redirect).toBe("manual");
    expect(requests[0]?.init?.signal).toBeInstanceOf(AbortSignal);
  });

  test("reads at most maxResponseBytes of an answer, as a stream", async () => {
    const small = network(() => new Response(streamOf(1024)));
    expect((await (await createOutsideFetch(policy, small.send)("https://gateway.example/x")).arrayBuffer()).byteLength).toBe(1024);
    const huge = network(() => new Response(streamOf(10 * 1024 * 1024)));
    await expect(createOutsideFetch(policy, huge.send)("https://gateway.example/x")).rejects.toThrow(
      "not read: the answer from https://gateway.example is larger than 1024 bytes",
    );
  });

  test("makes at most maxRequests requests per instance (one incoming request)", async () => {
    const { requests, send } = network(() => Response.json({}));
    const outside = createOutsideFetch(policy, send);
    for (let index = 0; index < 3; index++) await outside(`https://gateway${index}.example/x`);
    await expect(outside("https://gateway3.example/x")).rejects.toThrow("not requested: this request already made 3 requests to addresses others chose");
    expect(requests).toHaveLength(3);
    // A new incoming request gets its own budget.
    await createOutsideFetch(policy, send)("https://gateway4.example/x");
    expect(requests).toHaveLength(4);
  });

  test("local development may reach loopback, never metadata", async () => {
    const { requests, send } = network(() => Response.json({}));
    const local = createOutsideFetch({ ...policy, targets: () => ({ allowLoopback: true }) }, send);
    expect((await local("http://127.0.0.1:8787/x")).status).toBe(200);
    await expect(local("http://169.254.169.254/x")).rejects.toThrow(OutsideRequestRefusedError);
    expect(requests.map((request) => request.url)).toEqual(["http://127.0.0.1:8787/x"]);
  });
});

describe("ccipGatewayRequest: viem's ccipRead.request under the policy", () => {
  test("GET with {sender} and {data} filled in, POST without {data}; the first hex answer wins", async () => {
    const { requests, send } = network((url) => (url.includes("down") ? new Response("no", { status: 503 }) : Response.json({ data: "0x1234" })));
    const request = ccipGatewayRequest(createOutsideFetch(policy, send));
    expect(await request({ data, sender, urls: ["https://down.example/{sender}/{data}.json", "https://up.example/{sender}/{data}.json"] })).toBe("0x1234");
    expect(requests.map((entry) => entry.url)).toEqual([
      `https://down.example/${sender.toLowerCase()}/${data}.json`,
      `https://up.example/${sender.toLowerCase()}/${data}.json`,
    ]);
    await request({ data, sender, urls: ["https://up.example/ccip"] });
    expect(requests[2]?.init?.method).toBe("POST");
    expect(JSON.parse(String(requests[2]?.init?.body))).toEqual({ data, sender });
  });

  test("a refused gateway is skipped; when every gateway is refused, the refusal is the error (no record, not an outage)", async () => {
    const { requests, send } = network((url) =>
      url.includes("redirect")
        ? new Response(null, { status: 307, headers: { Location: "https://elsewhere.example" } })
        : new Response(streamOf(10 * 1024 * 1024)),
    );
    const request = ccipGatewayRequest(createOutsideFetch(policy, send));
    const refusal = await request({
      data,
      sender,
      urls: ["http://169.254.169.254/{data}", "https://redirect.example/{data}", "https://huge.example/{data}"],
    }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OutsideRequestRefusedError);
    expect((refusal as Error).message).toMatch(
      /every CCIP-Read gateway was refused: not requested: http:\/\/169\.254\.169\.254 points at .*; https:\/\/redirect\.example answered a redirect \(HTTP 307\), which is not followed; not read: the answer from https:\/\/huge\.example is larger than 1024 bytes/,
    );
    expect(requests.map((entry) => new URL(entry.url).host)).toEqual(["redirect.example", "huge.example"]);
  });

  test("a gateway that fails (5xx) is an outage: its error is thrown, to be retried", async () => {
    const { send } = network(() => new Response("busy", { status: 503 }));
    await expect(ccipGatewayRequest(createOutsideFetch(policy, send))({ data, sender, urls: ["https://down.example/{data}"] })).rejects.toThrow(
      /HTTP request failed/,
    );
  });
});
