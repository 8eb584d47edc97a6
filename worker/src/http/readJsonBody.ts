import type { Context } from "hono";
import { parseBoundedJson } from "../protocol/dm3/jsonDepth";
import { BadRequestError } from "./AppError";

/** Malformed JSON in a request body. */
export class InvalidJsonError extends BadRequestError {
  override readonly name = "InvalidJsonError";
  override readonly code = "invalid_json";
}

/** Parses the request body as JSON whatever its Content-Type says, refusing hostile nesting. */
export async function readJsonBody(c: Context): Promise<unknown> {
  return parseJsonText(await c.req.text(), "Request body");
}

/**
 * JSON text parsed, with arrays and objects nested at most MAX_JSON_DEPTH (32) deep (a 400 names
 * the limit), so nothing recursive downstream meets unbounded depth.
 */
export function parseJsonText(text: string, what: string): unknown {
  const parsed = parseBoundedJson(text);
  if ("problem" in parsed) throw new InvalidJsonError(`${what} ${parsed.problem}`, { cause: parsed.cause });
  return parsed.value;
}
