import type { MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { UnauthorizedError } from "./AppError";

const BEARER_PREFIX = "Bearer ";

/**
 * Admin-only routes: `Authorization: Bearer <ADMIN_TOKEN>` (a worker secret), compared in constant
 * time. Fails closed when the secret is not set.
 */
export function requireAdmin(): MiddlewareHandler<{ Bindings: Env }> {
  return async function requireAdmin(c, next) {
    const expected = c.env.ADMIN_TOKEN;
    const header = c.req.header("Authorization") ?? "";
    if (!header.startsWith(BEARER_PREFIX)) {
      throw new UnauthorizedError("Send the admin token as `Authorization: Bearer <token>`");
    }
    const presented = header.slice(BEARER_PREFIX.length).trim();
    if (!expected || !(await timingSafeEqual(presented, expected))) {
      throw new UnauthorizedError("Invalid admin token");
    }
    await next();
  };
}
