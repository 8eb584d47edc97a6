import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ProtocolError, type ProtocolErrorOptions } from "../protocol/ProtocolError";

/** Options every {@link AppError} takes. */
export type AppErrorOptions = ProtocolErrorOptions;

/**
 * The worker's own errors (registry, relay, gateway): a {@link ProtocolError} that also names the
 * HTTP `status` it answers with. Domain code throws a named subclass; `onError` turns it into
 * `{ message, code }`. (Protocol errors get their status from `errorStatus.ts`.)
 */
export abstract class AppError extends ProtocolError {
  abstract readonly status: ContentfulStatusCode;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Record<string, string> = {};
}

/** A request the client must fix (malformed input): 400. */
export class BadRequestError extends AppError {
  override readonly name: string = "BadRequestError";
  readonly code: string = "bad_request";
  readonly status: ContentfulStatusCode = 400;
}

/** The request body exceeds the route's size limit: 413. */
export class PayloadTooLargeError extends AppError {
  override readonly name = "PayloadTooLargeError";
  readonly code = "payload_too_large";
  readonly status = 413;
  constructor(limitBytes: number) {
    super(`Request body is larger than ${limitBytes} bytes`);
  }
}

/** No route matches: 404. */
export class RouteNotFoundError extends AppError {
  override readonly name = "RouteNotFoundError";
  readonly code = "not_found";
  readonly status = 404;
  constructor(method: string, path: string) {
    super(`No route for ${method} ${path}`);
  }
}

/** Missing or wrong credentials: 401. */
export class UnauthorizedError extends AppError {
  override readonly name = "UnauthorizedError";
  readonly code = "unauthorized";
  readonly status = 401;
}

/** The credentials are valid but do not cover this domain or name: 403. */
export class ForbiddenError extends AppError {
  override readonly name = "ForbiddenError";
  readonly code = "forbidden";
  readonly status = 403;
}
