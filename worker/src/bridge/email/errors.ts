import { AppError, type AppErrorOptions, BadRequestError } from "../../http/AppError";

/** The operator switched the email bridge off (`bridge disable`): nothing is taken or sent. */
export class BridgeOffError extends AppError {
  override readonly name = "BridgeOffError";
  readonly code = "bridge_off";
  readonly status = 503;
  constructor() {
    super("The email bridge is switched off by its operator; try again later");
  }
}

/** The bridge's ENS domain is not a domain this worker serves, so its users' names cannot be published. */
export class BridgeDomainNotServedError extends AppError {
  override readonly name = "BridgeDomainNotServedError";
  readonly code = "bridge_domain_not_served";
  readonly status = 503;
  constructor(domain: string) {
    super(`The bridge domain ${domain} is not registered here: the operator registers it with \`npm run cli -- domain add ${domain} …\``);
  }
}

/** A wrong, spent or expired confirmation code. */
export class InvalidBridgeCodeError extends BadRequestError {
  override readonly name = "InvalidBridgeCodeError";
  override readonly code = "invalid_code";
}

/** Too many codes for an address or name, or too many wrong tries. */
export class BridgeLimitError extends AppError {
  override readonly name = "BridgeLimitError";
  readonly code = "too_many_requests";
  readonly status = 429;
}

/** The alias is taken (another virtual user, or a name under the bridge domain). */
export class AliasTakenError extends AppError {
  override readonly name = "AliasTakenError";
  readonly code = "alias_taken";
  readonly status = 409;
  constructor(alias: string, options?: AppErrorOptions) {
    super(`The alias "${alias}" is taken: choose another`, options);
  }
}

/** No virtual user by that name, or the management token is not the one mailed for it. */
export class VirtualUserNotFoundError extends AppError {
  override readonly name = "VirtualUserNotFoundError";
  readonly code = "virtual_user_not_found";
  readonly status = 404;
  constructor(name: string) {
    super(`"${name}" is no virtual user of this bridge, or the link is not the one mailed for it`);
  }
}

/** A DM3 message for a virtual user the bridge does not carry (the sender learns why; nothing is mailed). */
export class BridgeRefusedError extends AppError {
  override readonly name = "BridgeRefusedError";
  readonly code = "bridge_refused";
  readonly status = 422;
}

/** The bridge could not mail the confirmation code. */
export class BridgeMailNotSentError extends AppError {
  override readonly name = "BridgeMailNotSentError";
  readonly code = "mail_not_sent";
  readonly status = 502;
  constructor(cause: unknown) {
    super("The confirmation mail could not be sent; try again later", { metaMessages: [cause instanceof Error ? cause.message : String(cause)] });
  }
}
