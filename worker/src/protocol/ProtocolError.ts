/** Options every {@link ProtocolError} takes. */
export type ProtocolErrorOptions = {
  /** Why this happened, for logs only (never sent to a client). */
  metaMessages?: string[];
  cause?: unknown;
};

/**
 * The error type of the protocol core (ENS, CCIP, DM3 formats and crypto), modelled on viem's
 * `BaseError`: a stable machine `code` and a short message safe to show. It knows nothing of HTTP:
 * the worker maps codes to statuses in `http/errorStatus.ts`.
 */
export abstract class ProtocolError extends Error {
  abstract override readonly name: string;
  abstract readonly code: string;
  readonly shortMessage: string;
  readonly metaMessages: string[];

  constructor(shortMessage: string, options: ProtocolErrorOptions = {}) {
    super(shortMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.shortMessage = shortMessage;
    this.metaMessages = options.metaMessages ?? [];
  }
}
