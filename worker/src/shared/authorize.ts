import type { Context, MiddlewareHandler } from "hono";
import { ForbiddenError } from "../http/AppError";
import { authenticate, type Caller, type CredentialScheme } from "./authenticate";
import { type ServedDomain, servedDomainNamed } from "./servedDomains";

declare module "hono" {
  interface ContextVariableMap {
    /** The served domain the caller was authorized for (set by {@link domainService}). */
    authorizedDomain: ServedDomain;
  }
}

/** Throws 403 unless the caller may act for `domain` (the admin, or a service key of that domain). */
function authorizeDomain(caller: Caller, domain: string): void {
  if (caller.kind === "apiKey" && caller.domain !== domain) {
    throw new ForbiddenError(`This API key is scoped to "${caller.domain}", not "${domain}"`);
  }
}

/** Throws 403 unless the caller is the admin. */
function authorizeAdmin(caller: Caller): void {
  if (caller.kind !== "admin") throw new ForbiddenError("Only the admin may do this");
}

/** Middleware: a credential (401 without one), and it must be the admin's (403) — before any body is read. */
export function adminOnly(): MiddlewareHandler {
  const authenticated = authenticate();
  return async function adminOnly(c, next) {
    await authenticated(c, async () => {
      authorizeAdmin(c.get("caller"));
      await next();
    });
  };
}

/**
 * Middleware: a credential (401 without one) for the served domain `locate` finds for the request
 * (404 when none): the admin's or a service key of that domain (403 otherwise) — before any body
 * is read. Handlers read the domain as `c.get("authorizedDomain")`.
 */
export function domainService(locate: (c: Context) => Promise<ServedDomain>, scheme: CredentialScheme = {}): MiddlewareHandler {
  const authenticated = authenticate(scheme);
  return async function domainService(c, next) {
    await authenticated(c, async () => {
      const domain = await locate(c);
      authorizeDomain(c.get("caller"), domain.name);
      c.set("authorizedDomain", domain);
      await next();
    });
  };
}

/** The served domain named by the path's `:domain` (404 when none): what {@link domainService} locates for `/domains/{domain}/…`. */
export async function domainInPath(c: Context): Promise<ServedDomain> {
  return servedDomainNamed(await c.get("services").domains(), c.req.param("domain") ?? "");
}
