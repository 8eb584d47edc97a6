import type { Context } from "hono";
import { exceedsJsonDepth, MAX_JSON_DEPTH } from "../protocol/dm3/jsonDepth";
import { BadRequestError } from "./AppError";

/** Malformed JSON in a request body. */
export class InvalidJsonError extends BadRequestError {
  override readonly code = "invalid_json";
}

/** Parses the request body as JSON whatever its Content-Type says, refusing hostile nesting. */
export async function readJsonBody(c: Context): Promise<unknown> {
  return parseJsonText(await c.req.text(), "Request body");
}

/**
 * JSON text parsed, with arrays and objects nested at most {@link MAX_JSON_DEPTH} deep (a 400 names
 * the limit), so nothing recursive downstream meets unbounded depth.
 */
export function parseJsonText(text: string, what: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new InvalidJsonError(`${what} is not valid JSON`, { cause });
  }
  if (exceedsJsonDepth(value)) throw new InvalidJsonError(`${what} nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`);
  return value;
}
