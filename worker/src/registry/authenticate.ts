import type { MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { createDatabase } from "../db/client";
import { UnauthorizedError } from "../http/AppError";
import { API_KEY_PREFIX, authenticateApiKey } from "./apiKeys";
import { ForbiddenError } from "./errors";

/** Who is calling: the admin (bootstrap secret) or a service key scoped to one domain. */
export type Caller = { kind: "admin"; actor: "admin" } | { kind: "apiKey"; actor: string; keyId: string; domain: string };

declare module "hono" {
  interface ContextVariableMap {
    caller: Caller;
  }
}

const BEARER_PREFIX = "Bearer ";

/**
 * Requires `Authorization: Bearer <credential>`: the `ADMIN_TOKEN` secret (compared in constant
 * time) or a live service API key. Sets `c.get("caller")`. Credentials are never read from the
 * query string.
 */
export function authenticate(): MiddlewareHandler<{ Bindings: Env }> {
  return async function authenticate(c, next) {
    const header = c.req.header("Authorization") ?? "";
    if (!header.startsWith(BEARER_PREFIX)) {
      throw new UnauthorizedError("Send an admin token or API key as `Authorization: Bearer <credential>`");
    }
    const credential = header.slice(BEARER_PREFIX.length).trim();
    if (credential.startsWith(API_KEY_PREFIX)) {
      const key = await authenticateApiKey(createDatabase(c.env.DB), credential, Math.floor(Date.now() / 1000));
      c.set("caller", { kind: "apiKey", actor: `key:${key.id}`, keyId: key.id, domain: key.domain });
    } else if (c.env.ADMIN_TOKEN && (await timingSafeEqual(credential, c.env.ADMIN_TOKEN))) {
      c.set("caller", { kind: "admin", actor: "admin" });
    } else {
      throw new UnauthorizedError("Invalid admin token");
    }
    await next();
  };
}

/** Throws 403 unless the caller may write names under `domain`. */
export function authorizeDomain(caller: Caller, domain: string): void {
  if (caller.kind === "apiKey" && caller.domain !== domain) {
    throw new ForbiddenError(`This API key is scoped to "${caller.domain}", not "${domain}"`);
  }
}

/** Throws 403 unless the caller is the admin. */
export function authorizeAdmin(caller: Caller): void {
  if (caller.kind !== "admin") throw new ForbiddenError("Only the admin may do this");
}
