import type { Context, MiddlewareHandler } from "hono";
import type { RateLimiterName } from "../settings/settingsOf";
import { AppError } from "./AppError";
import { clientNetwork } from "./clientNetwork";

export type { RateLimiterName };

/**
 * Every `[[ratelimits]]` binding in wrangler.toml counts over this window; it is also the
 * `Retry-After` a limited client is told (the binding does not report when its window resets).
 */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

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
export function clientKey(c: Context): string {
  return `ip:${clientNetwork(c.req.header("CF-Connecting-IP") ?? "unknown", c.get("settings").ipv6PrefixBits())}`;
}

/** Counts one request against `limiter` under `key`; throws {@link RateLimitedError} past the limit. */
export async function enforceRateLimit(c: Context, limiter: RateLimiterName, key: string, what: string): Promise<void> {
  const { success } = await c.get("settings").rateLimiter(limiter).limit({ key });
  if (!success) throw new RateLimitedError(what);
}

/** Middleware: counts every request against `limiter` per client IP. */
export function limitPerIp(limiter: RateLimiterName, what: string): MiddlewareHandler {
  return async function limitPerIp(c, next) {
    await enforceRateLimit(c, limiter, clientKey(c), what);
    await next();
  };
}
