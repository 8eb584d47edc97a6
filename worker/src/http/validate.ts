import type { Context } from "hono";
import type * as z from "zod";
import { BadRequestError } from "./AppError";
import { readJsonBody } from "./readJsonBody";

/** The request does not match its schema. */
export class InvalidInputError extends BadRequestError {
  override readonly code = "invalid_input";
}

/** Parses `value` with `schema`, or throws one 400 naming the first wrong field. */
export function validate<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.length ? issue.path.join(".") : what;
  throw new InvalidInputError(`${path}: ${issue?.message ?? "invalid"}`);
}

/** The JSON body (whatever its Content-Type), validated. */
export async function validJson<Schema extends z.ZodType>(c: Context, schema: Schema): Promise<z.output<Schema>> {
  return validate(schema, await readJsonBody(c), "body");
}

/** The query string, validated. */
export function validQuery<Schema extends z.ZodType>(c: Context, schema: Schema): z.output<Schema> {
  return validate(schema, c.req.query(), "query");
}
