import { readStreamAtMost } from "./readStreamAtMost";
import { type WebhookTargetPolicy, webhookTargetProblem } from "./webhookTargetProblem";

/** How far the worker goes for a URL a stranger chose. */
export type OutsidePolicy = {
  /** Where requests may go (no private, loopback — outside local development —, link-local, metadata or non-http(s) targets). */
  targets: () => WebhookTargetPolicy;
  /** Requests one incoming request (or cron run, queue batch, mail) may make to such URLs. */
  maxRequests: number;
  /** Largest answer read, as a stream (the rest is cancelled, never buffered). */
  maxResponseBytes: number;
  timeoutMs: number;
};

/** Default answer cap: a CCIP-Read answer, a profile or a JSON-RPC reply is a few KB at most. */
export const OUTSIDE_MAX_RESPONSE_BYTES = 256 * 1024;
export const OUTSIDE_TIMEOUT_MS = 5_000;
/** Requests to strangers' URLs per incoming HTTP request (a submit resolves a recipient, a sender, a few delivery services). */
export const OUTSIDE_REQUESTS_PER_REQUEST = 32;

/** A request to a URL someone else chose was not made, or its answer not read: why, in words. */
export class OutsideRequestRefusedError extends Error {
  override readonly name = "OutsideRequestRefusedError";
}

/**
 * The one `fetch` for URLs that came from outside — CCIP-Read gateways named by foreign resolvers,
 * profile URLs, delivery services found through ENS: the target is checked before any connection,
 * redirects are never followed (a 3xx comes back as the answer: the caller treats it as a failure),
 * the answer is read as a stream up to {@link OutsidePolicy.maxResponseBytes}, every request has a
 * timeout, and at most {@link OutsidePolicy.maxRequests} are made through one instance (one per
 * incoming request). Refusals throw {@link OutsideRequestRefusedError}, before any traffic.
 */
export function createOutsideFetch(policy: OutsidePolicy, send: typeof fetch = (input, init) => fetch(input, init)): typeof fetch {
  let made = 0;
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const problem = webhookTargetProblem(url, policy.targets());
    if (problem) throw new OutsideRequestRefusedError(`not requested: ${originOf(url)} points at ${problem}`);
    if (made >= policy.maxRequests) {
      throw new OutsideRequestRefusedError(`not requested: this request already made ${policy.maxRequests} requests to addresses others chose`);
    }
    made++;
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const response = await send(input, { ...init, redirect: "manual", signal });
    if (!response.body) return response;
    const bytes = await readStreamAtMost(response.body, policy.maxResponseBytes);
    if (!bytes) throw new OutsideRequestRefusedError(`not read: the answer from ${originOf(url)} is larger than ${policy.maxResponseBytes} bytes`);
    const bodyless = bytes.byteLength === 0 || [204, 205, 304].includes(response.status);
    return new Response(bodyless ? null : bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** A URL's origin for messages (never its path or query: they may carry tokens). */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "a malformed URL";
  }
}
