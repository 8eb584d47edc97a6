import type { Context, MiddlewareHandler } from "hono";
import { ConfigError } from "../env";
import { AppError } from "./AppError";
import { clientNetwork, DEFAULT_IPV6_PREFIX_BITS } from "./clientNetwork";

/**
 * Every `[[ratelimits]]` binding in wrangler.toml counts over this window; it is also the
 * `Retry-After` a limited client is told (the binding does not report when its window resets).
 */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/** The rate-limiting bindings (wrangler.toml `[[ratelimits]]`) and what each one counts. */
export type RateLimiterName =
  /** Writes authenticated with a service API key, per key. */
  | "WRITES_PER_KEY_LIMITER"
  /** Owner-signed writes, per client IP. */
  | "WRITES_PER_IP_LIMITER"
  /** Relay `dm3_submitMessage` calls, per client IP. */
  | "SUBMITS_PER_IP_LIMITER"
  /** Relay challenges and answers, and failed registry credentials, per client IP. */
  | "AUTH_PER_IP_LIMITER";

/** The client went over a rate limit: 429 with `Retry-After`. */
export class RateLimitedError extends AppError {
  override readonly name = "RateLimitedError";
  readonly code = "rate_limited";
  readonly status = 429;
  override readonly headers = { "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS) };
  constructor(what: string) {
    super(`Too many ${what}; retry after ${RATE_LIMIT_PERIOD_SECONDS} seconds`);
  }
}

/**
 * The rate-limit key of the calling client: its IP as Cloudflare reports it (`CF-Connecting-IP`;
 * locally, wrangler dev sets it), IPv6 by its `RATE_LIMIT_IPV6_PREFIX_BITS` prefix (default /64).
 */
export function clientKey(c: Context<{ Bindings: Env }>): string {
  return `ip:${clientNetwork(c.req.header("CF-Connecting-IP") ?? "unknown", ipv6PrefixBits(c.env))}`;
}

function ipv6PrefixBits(env: Env): number {
  const configured = env.RATE_LIMIT_IPV6_PREFIX_BITS;
  if (configured === undefined || configured === "") return DEFAULT_IPV6_PREFIX_BITS;
  const bits = Number(configured);
  if (!Number.isInteger(bits) || bits < 1 || bits > 128) throw new ConfigError("RATE_LIMIT_IPV6_PREFIX_BITS must be a whole number in 1..128");
  return bits;
}

/** Counts one request against `limiter` under `key`; throws {@link RateLimitedError} past the limit. */
export async function enforceRateLimit(env: Env, limiter: RateLimiterName, key: string, what: string): Promise<void> {
  const binding = env[limiter] as RateLimit | undefined;
  if (!binding) throw new ConfigError(`The rate-limiting binding ${limiter} is missing (wrangler.toml [[ratelimits]])`);
  const { success } = await binding.limit({ key });
  if (!success) throw new RateLimitedError(what);
}

/** Middleware: counts every request against `limiter` per client IP. */
export function limitPerIp(limiter: RateLimiterName, what: string): MiddlewareHandler<{ Bindings: Env }> {
  return async function limitPerIp(c, next) {
    await enforceRateLimit(c.env, limiter, clientKey(c), what);
    await next();
  };
}
