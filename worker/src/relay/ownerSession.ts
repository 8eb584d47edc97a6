import type { MiddlewareHandler } from "hono";
import { relayName, requireSession } from "./sessions";

declare module "hono" {
  interface ContextVariableMap {
    /** The profile signing key the request's relay session was earned with. */
    sessionKey: string;
  }
}

/**
 * Middleware: the owner's session — 401 unless the request carries a live session of the name in
 * the path's `:ensName` (before any body is read). Handlers read the key it was earned with as
 * `c.get("sessionKey")`.
 */
export function ownerSession(): MiddlewareHandler {
  return async function ownerSession(c, next) {
    const services = c.get("services");
    const key = await requireSession(services.directory, services.relay(), c.req.header("Authorization"), relayName(c.req.param("ensName") ?? ""));
    c.set("sessionKey", key);
    await next();
  };
}
