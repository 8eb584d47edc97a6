import { AppError, BadRequestError } from "../http/AppError";

/** The request body of a registry write is malformed or out of limits. */
export class InvalidRegistryInputError extends BadRequestError {
  override readonly code = "invalid_input";
}

/** The name is not under any registered domain. */
export class UnknownDomainError extends AppError {
  override readonly name = "UnknownDomainError";
  readonly code = "unknown_domain";
  readonly status = 404;
  constructor(name: string) {
    super(`"${name}" is not under a registered domain`);
  }
}

/** The name is not registered. */
export class NameNotFoundError extends AppError {
  override readonly name = "NameNotFoundError";
  readonly code = "name_not_found";
  readonly status = 404;
  constructor(name: string) {
    super(`"${name}" is not registered`);
  }
}

/** The DM3 profile is not signed by the name's owner. */
export class InvalidProfileSignatureError extends AppError {
  override readonly name = "InvalidProfileSignatureError";
  readonly code = "invalid_profile_signature";
  readonly status = 422;
  constructor(owner: string) {
    super(`The DM3 profile signature does not recover to the owner ${owner}`);
  }
}
