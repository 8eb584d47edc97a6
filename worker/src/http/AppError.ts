import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Options every {@link AppError} takes. */
export type AppErrorOptions = {
  /** Why this happened, for logs only (never sent to the client). */
  metaMessages?: string[];
  cause?: unknown;
};

/**
 * The one error type of the worker, modelled on viem's `BaseError`: a stable machine `code`, the
 * HTTP `status` it maps to and a short message safe to show to clients. Domain code throws a
 * named subclass; `onError` turns it into `{ message, code }`.
 */
export abstract class AppError extends Error {
  abstract override readonly name: string;
  abstract readonly code: string;
  abstract readonly status: ContentfulStatusCode;
  readonly shortMessage: string;
  readonly metaMessages: string[];
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Record<string, string> = {};

  constructor(shortMessage: string, options: AppErrorOptions = {}) {
    super(shortMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.shortMessage = shortMessage;
    this.metaMessages = options.metaMessages ?? [];
  }
}

/** A request the client must fix (malformed input): 400. */
export class BadRequestError extends AppError {
  override readonly name = "BadRequestError";
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
