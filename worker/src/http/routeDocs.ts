import type { MiddlewareHandler } from "hono";
import type { RouterRoute } from "hono/types";
import type * as z from "zod/mini";

/** Who may call a route, as the OpenAPI document states it. */
export type RouteAuth = "none" | "admin" | "service" | "session";

/** What a route says about itself in the OpenAPI document. */
export type RouteDoc = {
  operationId: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  /** The success answer's media type when it is not JSON (e.g. NDJSON, plain text). */
  responseType?: string;
  /** The success status when it is not 200. */
  successStatus?: number;
  /** The body's schema when the route reads it itself (not through `jsonBody`). */
  body?: z.ZodMiniType;
};

/** What the document generator reads off a route's handlers. */
export type CollectedDoc = { doc?: RouteDoc; body?: z.ZodMiniType; query?: z.ZodMiniType };

const collected = new WeakMap<object, CollectedDoc>();
/** hono keeps a sub-app's own handler here when it wraps it with the sub-app's error handler. */
const COMPOSED_HANDLER = "__COMPOSED_HANDLER";

/**
 * Middleware that only describes its route for `GET /openapi.json` (it does nothing per request):
 * the document is generated from the route definitions themselves, so it cannot drift from them.
 */
export function describeRoute(doc: RouteDoc): MiddlewareHandler {
  const middleware: MiddlewareHandler = async function describedRoute(_c, next) {
    await next();
  };
  collected.set(middleware, { doc });
  return middleware;
}

/** Registers what a validator middleware validates (`jsonBody`, `queryOf` call this). */
export function documentValidator<Middleware extends object>(middleware: Middleware, part: Omit<CollectedDoc, "doc">): Middleware {
  collected.set(middleware, part);
  return middleware;
}

/** What `route`'s handler declares for the document, or undefined. */
export function collectedDocOf(route: RouterRoute): CollectedDoc | undefined {
  // A sub-app mounted inside a sub-app wraps its handlers once per level.
  let handler = route.handler as unknown as Record<string, unknown>;
  while (handler[COMPOSED_HANDLER]) handler = handler[COMPOSED_HANDLER] as Record<string, unknown>;
  return collected.get(handler);
}
