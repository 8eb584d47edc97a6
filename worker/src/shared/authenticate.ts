import type { MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import type { Database } from "../db/client";
import { sha256, stringToBytes } from "viem";
import { findApiKeyByHash } from "../db/apiKeys";
import { UnauthorizedError } from "../http/AppError";
import { clientKey, enforceRateLimit } from "../http/rateLimit";

/** Who is calling: the admin (bootstrap secret) or a service key scoped to one domain. */
export type Caller = { kind: "admin"; actor: "admin" } | { kind: "apiKey"; actor: string; keyId: string; domain: string };

declare module "hono" {
  interface ContextVariableMap {
    caller: Caller;
  }
}

/** Like {@link authenticate}, for public reads that show more to a credential: runs only when one is sent. */
export function authenticateIfPresent(scheme: CredentialScheme = {}): MiddlewareHandler {
  const required = authenticate(scheme);
  return async function authenticateIfPresent(c, next) {
    if (c.req.header("Authorization") === undefined) return next();
    return required(c, next);
  };
}

const BEARER_PREFIX = "Bearer ";

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** How a credential may be sent besides `Bearer`. */
export type CredentialScheme = {
  /** Also `Authorization: <credential>` with no scheme, as NameStone's API and SDK send it. */
  bare?: boolean;
};

/**
 * Requires `Authorization: Bearer <credential>`: the `ADMIN_TOKEN` secret (compared in constant
 * time) or a live service API key. Sets `c.get("caller")`. Credentials are never read from the
 * query string. Rate limits: failed credentials count per client IP, writes per API key.
 */
export function authenticate(scheme: CredentialScheme = {}): MiddlewareHandler {
  return async function authenticate(c, next) {
    let caller: Caller;
    try {
      const { db, clock, settings } = c.get("services");
      const header = c.req.header("Authorization") ?? "";
      const bearer = scheme.bare && header !== "" && !header.startsWith(BEARER_PREFIX) ? `${BEARER_PREFIX}${header}` : header;
      caller = await identifyCaller(settings.adminToken, db, clock.nowSeconds(), bearer);
    } catch (error) {
      await enforceRateLimit(c, "AUTH_PER_IP_LIMITER", clientKey(c), "failed authentication attempts");
      throw error;
    }
    if (caller.kind === "apiKey" && !READ_METHODS.has(c.req.method)) {
      await enforceRateLimit(c, "WRITES_PER_KEY_LIMITER", caller.actor, "writes with this API key");
    }
    c.set("caller", caller);
    await next();
  };
}

async function identifyCaller(adminToken: string | undefined, db: Database, nowSeconds: number, header: string): Promise<Caller> {
  if (!header.startsWith(BEARER_PREFIX)) {
    throw new UnauthorizedError("Send an admin token or API key as `Authorization: Bearer <credential>`");
  }
  const credential = header.slice(BEARER_PREFIX.length).trim();
  if (credential.startsWith(API_KEY_PREFIX)) {
    const key = await authenticateApiKey(db, credential, nowSeconds);
    return { kind: "apiKey", actor: `key:${key.id}`, keyId: key.id, domain: key.domain };
  }
  if (adminToken && (await timingSafeEqual(credential, adminToken))) return { kind: "admin", actor: "admin" };
  throw new UnauthorizedError("Invalid admin token");
}

/** Every service API key starts with this, so it is recognisable in logs and secret scanners. */
export const API_KEY_PREFIX = "dm3k_";

/** The hex SHA-256 of a whole key: what is stored and looked up (keys are 256-bit random). */
export function hashApiKey(key: string): string {
  return sha256(stringToBytes(key));
}

/** The key behind `key` if it is valid now; otherwise 401 saying why. */
export async function authenticateApiKey(db: Database, key: string, nowSeconds: number): Promise<{ id: string; domain: string }> {
  const row = await findApiKeyByHash(db, hashApiKey(key));
  if (!row) throw new UnauthorizedError("Unknown API key");
  if (row.revokedAtSeconds !== null) throw new UnauthorizedError("This API key has been revoked");
  if (row.expiresAtSeconds !== null && row.expiresAtSeconds <= nowSeconds) throw new UnauthorizedError("This API key has expired");
  return { id: row.id, domain: row.domain };
}
