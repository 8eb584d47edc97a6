import type { RouterRoute } from "hono/types";
import * as z from "zod/mini";
import { type CollectedDoc, collectedDocOf, type RouteAuth } from "./routeDocs";

/** The document's header: title, version, description, and the tags its operations use. */
export type OpenApiInfo = { title: string; version: string; description: string; tags: { name: string; description: string }[] };

const ERROR_RESPONSE_REF = { $ref: "#/components/responses/Error" };
const SECURITY: Record<RouteAuth, Record<string, string[]>[]> = {
  none: [],
  admin: [{ adminToken: [] }],
  service: [{ adminToken: [] }, { apiKey: [] }],
  session: [{ relaySession: [] }],
};

/** JSON Schema (draft 2020-12, OpenAPI 3.1's dialect) of what a client sends for `schema`. */
function inputSchema(schema: z.ZodMiniType): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return json;
}

/**
 * The OpenAPI 3.1 document of every route that describes itself (`describeRoute`), generated from
 * the routes hono registered: paths and methods from the router, request bodies and queries from the
 * validator middlewares the routes run, auth and summaries from their descriptions.
 */
export function openApiDocument(routes: readonly RouterRoute[], info: OpenApiInfo): Record<string, unknown> {
  const operations = new Map<string, { method: string; path: string; parts: CollectedDoc }>();
  for (const route of routes) {
    if (route.method === "ALL") continue;
    const found = collectedDocOf(route);
    if (!found) continue;
    const key = `${route.method} ${route.path}`;
    const entry = operations.get(key) ?? { method: route.method.toLowerCase(), path: route.path, parts: {} };
    entry.parts = { ...entry.parts, ...found };
    operations.set(key, entry);
  }
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, path, parts } of operations.values()) {
    const { doc, query } = parts;
    if (!doc) continue;
    const body = parts.body ?? doc.body;
    const openApiPath = path.replace(/:(\w+)/g, "{$1}");
    const pathParameters = [...openApiPath.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: "path", required: true, schema: { type: "string" } }));
    const queryParameters = query
      ? Object.entries((inputSchema(query).properties ?? {}) as Record<string, unknown>).map(([name, schema]) => ({
          name,
          in: "query",
          required: false,
          schema,
        }))
      : [];
    const parameters = [...pathParameters, ...queryParameters];
    const success = {
      description: "Success",
      content: {
        [doc.responseType ?? "application/json"]: {
          schema: doc.responseType === "text/plain" || doc.responseType === "application/x-ndjson" ? { type: "string" } : {},
        },
      },
    };
    paths[openApiPath] ??= {};
    paths[openApiPath][method] = {
      operationId: doc.operationId,
      summary: doc.summary,
      tags: [doc.tag],
      security: SECURITY[doc.auth],
      ...(parameters.length > 0 && { parameters }),
      ...(body && { requestBody: { required: true, content: { "application/json": { schema: inputSchema(body) } } } }),
      responses: {
        [String(doc.successStatus ?? 200)]: success,
        "400": ERROR_RESPONSE_REF,
        ...(doc.auth === "none" ? {} : { "401": ERROR_RESPONSE_REF, "403": ERROR_RESPONSE_REF }),
        "404": ERROR_RESPONSE_REF,
        "429": ERROR_RESPONSE_REF,
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: info.title, version: info.version, description: info.description, license: { name: "MIT", identifier: "MIT" } },
    servers: [{ url: "http://127.0.0.1:8787", description: "The local stack (`npm start`); a deployment serves the same paths" }],
    tags: info.tags,
    components: {
      securitySchemes: {
        adminToken: { type: "http", scheme: "bearer", description: "The ADMIN_TOKEN worker secret" },
        apiKey: { type: "http", scheme: "bearer", description: "A service API key (dm3k_…), scoped to one domain" },
        relaySession: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "A relay session token from POST /auth/{ensName}" },
      },
      responses: {
        Error: {
          description: "An error: JSON {message, code} (dm3's routes also carry {error})",
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["message", "code"],
                properties: { message: { type: "string" }, code: { type: "string" }, error: { type: "string" } },
              },
            },
          },
        },
      },
    },
    paths,
  };
}

/** `METHOD path` of every route without a description (each should have one). */
export function undocumentedRoutes(routes: readonly RouterRoute[]): string[] {
  const documented = new Set<string>();
  const all = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL") continue;
    const key = `${route.method} ${route.path}`;
    all.add(key);
    if (collectedDocOf(route)?.doc) documented.add(key);
  }
  return [...all].filter((key) => !documented.has(key));
}
