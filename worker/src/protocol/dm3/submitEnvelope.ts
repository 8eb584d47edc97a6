import type { Dm3Envelope } from "./buildEnvelope";
import type { ProfileExtension } from "./profileExtension";

/** The delivery service refused an envelope (its JSON-RPC answer), or could not be reached (`status` undefined). */
export class SubmitRefusedError extends Error {
  override readonly name = "SubmitRefusedError";
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    detail: string,
    /** The JSON-RPC error code, when the answer carried one (dm3: -32010 spam, -32011 too big). */
    readonly jsonRpcCode?: number,
  ) {
    super(`${url} refused the envelope: ${status === undefined ? "" : `HTTP ${status} `}${detail}`);
  }

  /** Whether trying again later cannot help: the service answered and refused (a 4xx other than 408/429). */
  get permanent(): boolean {
    return this.status !== undefined && this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}

/**
 * Submits one built envelope to a delivery service (`{url}/rpc`, `dm3_submitMessage`), as any
 * sender's client does (the SDK's senders, and the relay's outbound deliveries). A non-2xx answer,
 * or a JSON-RPC error object, is a refusal: {@link SubmitRefusedError}.
 */
export async function submitEnvelope(options: DeliveryServiceCall & { envelope: Dm3Envelope }): Promise<void> {
  const url = rpcUrlOf(options.url);
  let response: Response;
  try {
    response = await postRpc(options, "dm3_submitMessage", [JSON.stringify(options.envelope)]);
  } catch (error) {
    throw new SubmitRefusedError(url, undefined, error instanceof Error ? error.message : String(error));
  }
  const body = await readCapped(response, MAX_ANSWER_BYTES);
  const error = jsonRpcError(body);
  if (!response.ok || error) {
    throw new SubmitRefusedError(url, response.status, (error?.message ?? body).slice(0, 300), error?.code);
  }
}

/** Where and how a delivery service is called: its URL (from ENS), and optionally the fetch, headers and an abort signal. */
export type DeliveryServiceCall = { url: string; headers?: Record<string, string>; fetch?: typeof fetch; signal?: AbortSignal };

const rpcUrlOf = (url: string) => `${url.replace(/\/$/, "")}/rpc`;

/** POSTs one JSON-RPC call to a delivery service's `{url}/rpc`. */
function postRpc(call: DeliveryServiceCall, method: string, params: unknown[]): Promise<Response> {
  const send = call.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  return send(rpcUrlOf(call.url), {
    method: "POST",
    headers: { "Content-Type": "application/json", ...call.headers },
    body: JSON.stringify({ jsonrpc: "2.0", method, params, id: 1 }),
    // A delivery service's URL comes from ENS: never follow it elsewhere.
    redirect: "manual",
    ...(call.signal && { signal: call.signal }),
  });
}

/** A delivery service's answer is a few hundred bytes; one that sends more is not read further. */
const MAX_ANSWER_BYTES = 64 * 1024;

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    read += value.byteLength;
    text += decoder.decode(value, { stream: true });
    if (read >= maxBytes) {
      await reader.cancel();
      break;
    }
  }
  return text + decoder.decode();
}

function jsonRpcError(body: string): { code?: number; message?: string } | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (parsed && typeof parsed.error === "object" && parsed.error !== null) {
      const { code, message } = parsed.error as { code?: unknown; message?: unknown };
      return { ...(typeof code === "number" && { code }), ...(typeof message === "string" && { message }) };
    }
    if (parsed && typeof parsed.error === "string") return { message: parsed.error };
  } catch {
    // Not JSON: the status alone tells.
  }
  return undefined;
}

/**
 * Asks a delivery service (`{url}/rpc`, `dm3_getProfileExtension`) what its recipient `name` takes,
 * as dm3's specification has a sender do before writing; undefined when the service does not say
 * (no such method, no such user there, unreachable) — the sender then proceeds with the defaults.
 */
export async function requestProfileExtension(options: DeliveryServiceCall & { name: string }): Promise<ProfileExtension | undefined> {
  try {
    const response = await postRpc(options, "dm3_getProfileExtension", [options.name]);
    if (!response.ok) return undefined;
    const answer = JSON.parse(await readCapped(response, MAX_ANSWER_BYTES)) as { result?: unknown };
    const extension = typeof answer.result === "string" ? (JSON.parse(answer.result) as Partial<ProfileExtension>) : undefined;
    return extension && Array.isArray(extension.supportedMessageTypes) ? (extension as ProfileExtension) : undefined;
  } catch {
    return undefined;
  }
}
