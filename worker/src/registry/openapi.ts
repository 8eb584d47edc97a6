import * as z from "zod";
import { version } from "../../../package.json";
import {
  ApiKeyCreateSchema,
  BulkSchema,
  DomainSchema,
  ListQuerySchema,
  NamePatchSchema,
  NameRecordsSchema,
  PageQuerySchema,
  SignedNameWriteSchema,
} from "./schemas";

type Auth = "none" | "service" | "admin";
type Operation = {
  method: "get" | "put" | "patch" | "post" | "delete";
  path: string;
  summary: string;
  auth: Auth;
  body?: z.ZodType;
  query?: z.ZodObject;
};

/** The API's operations; bodies and queries are the very schemas the routes validate with. */
const OPERATIONS: Operation[] = [
  { method: "get", path: "/v1/domains", summary: "List served domains", auth: "none" },
  { method: "put", path: "/v1/domains/{domain}", summary: "Register or update a domain", auth: "admin", body: DomainSchema },
  { method: "post", path: "/v1/domains/{domain}/keys", summary: "Create a service API key (shown once)", auth: "admin", body: ApiKeyCreateSchema },
  { method: "get", path: "/v1/domains/{domain}/keys", summary: "List a domain's API keys (no secrets)", auth: "admin" },
  { method: "delete", path: "/v1/keys/{id}", summary: "Revoke an API key", auth: "admin" },
  { method: "get", path: "/v1/domains/{domain}/audit", summary: "Audit trail, newest first", auth: "admin", query: PageQuerySchema },
  { method: "get", path: "/v1/domains/{domain}/names", summary: "List or search a domain's names", auth: "none", query: ListQuerySchema },
  { method: "post", path: "/v1/domains/{domain}/names/bulk", summary: "Create or replace up to 1,000 names", auth: "service", body: BulkSchema },
  { method: "get", path: "/v1/domains/{domain}/export", summary: "Export a domain as NDJSON (the bulk item format)", auth: "service" },
  { method: "get", path: "/v1/addresses/{address}/names", summary: "Reverse lookup: names owned by an address", auth: "none", query: PageQuerySchema },
  { method: "get", path: "/v1/names/{name}", summary: "A name and its records", auth: "none" },
  { method: "get", path: "/v1/names/{name}/nonce", summary: "Last nonce and EIP-712 domain for signed writes", auth: "none" },
  { method: "put", path: "/v1/names/{name}", summary: "Create or replace a name with all its records", auth: "service", body: NameRecordsSchema },
  { method: "patch", path: "/v1/names/{name}", summary: "Update some records (null deletes an entry)", auth: "service", body: NamePatchSchema },
  { method: "delete", path: "/v1/names/{name}", summary: "Delete a name", auth: "service" },
  { method: "post", path: "/v1/names/{name}/signed", summary: "Write signed by the owner's wallet (EIP-712)", auth: "none", body: SignedNameWriteSchema },
];

const ERROR_RESPONSE = {
  description: "Error",
  content: { "application/json": { schema: { type: "object", properties: { message: { type: "string" }, code: { type: "string" } } } } },
};

let cached: unknown;

/** The OpenAPI 3.1 document of the registry API (built once per isolate). */
export function openApiDocument(): unknown {
  cached ??= buildDocument();
  return cached;
}

function buildDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of OPERATIONS) {
    const pathParameters = [...operation.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const queryParameters = operation.query
      ? Object.entries(z.toJSONSchema(operation.query, { io: "input", unrepresentable: "any" }).properties ?? {}).map(([name, schema]) => ({
          name,
          in: "query",
          required: false,
          schema,
        }))
      : [];
    paths[operation.path] ??= {};
    (paths[operation.path] as Record<string, unknown>)[operation.method] = {
      summary: operation.summary,
      parameters: [...pathParameters, ...queryParameters],
      ...(operation.body && {
        requestBody: {
          required: true,
          content: { "application/json": { schema: z.toJSONSchema(operation.body, { io: "input", unrepresentable: "any", target: "openapi-3.0" }) } },
        },
      }),
      ...(operation.auth !== "none" && { security: operation.auth === "admin" ? [{ admin: [] }] : [{ admin: [] }, { apiKey: [] }] }),
      responses: { "200": { description: "OK" }, "400": ERROR_RESPONSE, "401": ERROR_RESPONSE, "403": ERROR_RESPONSE, "404": ERROR_RESPONSE },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "dm3 registry", version, description: "ENS offchain registry for DM3 profiles. Errors are JSON {message, code}." },
    components: {
      securitySchemes: {
        admin: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN worker secret" },
        apiKey: { type: "http", scheme: "bearer", description: "Service API key (dm3k_…), scoped to one domain" },
      },
    },
    paths,
  };
}
