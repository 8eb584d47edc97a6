import { AppError, BadRequestError } from "../http/AppError";

/** The CCIP-Read request itself is malformed (sender, data, JSON body). */
export class InvalidCcipRequestError extends BadRequestError {
  override readonly name = "InvalidCcipRequestError";
  override readonly code = "invalid_request";
}

/** The name is under no domain this gateway serves: 404, so clients stop instead of retrying. */
export class DomainNotServedError extends AppError {
  override readonly name = "DomainNotServedError";
  readonly code = "domain_not_served";
  readonly status = 404;
  constructor(name: string) {
    super(`"${name}" is not under a domain this gateway serves`);
  }
}
