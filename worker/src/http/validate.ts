import { createMiddleware } from "hono/factory";
import type { BlankEnv } from "hono/types";
import type * as z from "zod/mini";
import { checkSchema } from "../protocol/checkSchema";
import { BadRequestError } from "./AppError";
import { readJsonBody } from "./readJsonBody";
import { documentValidator } from "./routeDocs";

/** The request does not match its schema. */
export class InvalidInputError extends BadRequestError {
  override readonly name = "InvalidInputError";
  override readonly code = "invalid_input";
}

/** Parses `value` with `schema`, or throws one 400 naming the first wrong field. */
export function validate<Schema extends z.ZodMiniType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const checked = checkSchema(schema, value);
  if (checked.ok) return checked.data;
  throw new InvalidInputError(`${checked.path || what}: ${checked.message}`);
}

/**
 * Validator middleware for a JSON body: parsed whatever its Content-Type says (EIP-3668 and curl
 * clients often send none), depth-checked, validated with `schema`; the handler reads the typed
 * result with `c.req.valid("json")`. (hono's own `json` validator skips bodies without a JSON
 * Content-Type, which this API accepts.)
 */
export function jsonBody<Schema extends z.ZodMiniType>(schema: Schema) {
  const middleware = createMiddleware<BlankEnv, string, { in: { json: z.input<Schema> }; out: { json: z.output<Schema> } }>(async function jsonBody(c, next) {
    c.req.addValidatedData("json", validate(schema, await readJsonBody(c), "body") as object);
    await next();
  });
  return documentValidator(middleware, { body: schema });
}

/** Validator middleware for the query string; the handler reads `c.req.valid("query")`. */
export function queryOf<Schema extends z.ZodMiniType>(schema: Schema) {
  const middleware = createMiddleware<BlankEnv, string, { in: { query: z.input<Schema> }; out: { query: z.output<Schema> } }>(async function queryOf(c, next) {
    c.req.addValidatedData("query", validate(schema, c.req.query(), "query") as object);
    await next();
  });
  return documentValidator(middleware, { query: schema });
}
