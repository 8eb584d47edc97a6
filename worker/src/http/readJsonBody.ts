import type { Context } from "hono";
import { BadRequestError } from "./AppError";

/** Malformed JSON in a request body. */
export class InvalidJsonError extends BadRequestError {
  override readonly code = "invalid_json";
}

/** Parses the request body as JSON whatever its Content-Type says. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidJsonError("Request body is not valid JSON", { cause });
  }
}
