import { AppError, BadRequestError } from "../http/AppError";

/** The envelope or JSON-RPC call is malformed. */
export class InvalidEnvelopeError extends BadRequestError {
  override readonly name = "InvalidEnvelopeError";
  override readonly code = "invalid_envelope";
}

/** The envelope is larger than the delivery service accepts. */
export class MessageTooLargeError extends AppError {
  override readonly name = "MessageTooLargeError";
  readonly code = "message_too_large";
  readonly status = 413;
  constructor(sizeBytes: number, limitBytes: number) {
    super(`Message is ${sizeBytes} bytes; this delivery service accepts at most ${limitBytes}`);
  }
}

/** The recipient is not someone this delivery service delivers to (no valid profile, or one that lists other services). */
export class UnknownRecipientError extends AppError {
  override readonly name = "UnknownRecipientError";
  readonly code = "unknown_recipient";
  readonly status = 404;
  constructor(name: string, why: string) {
    super(`"${name}" ${why}: this delivery service does not take messages for it`);
  }
}

/** An unknown JSON-RPC method (dm3 delivery services answer 405). */
export class UnsupportedMethodError extends AppError {
  override readonly name = "UnsupportedMethodError";
  readonly code = "method_not_supported";
  readonly status = 405;
  constructor(method: string) {
    super(`Unsupported JSON-RPC method "${method}"`);
  }
}

/** The challenge answer is wrong, expired, for another name or already used. */
export class InvalidChallengeSignatureError extends BadRequestError {
  override readonly name = "InvalidChallengeSignatureError";
  override readonly code = "signature_invalid";
  constructor(detail: string) {
    // dm3 clients look for exactly this message.
    super("Signature invalid", { metaMessages: [detail] });
  }
}

/** The sender fails the recipient's spam rules (dm3's JSON-RPC error -32010). */
export class SpamRefusedError extends AppError {
  override readonly name = "SpamRefusedError";
  readonly code = "spam";
  readonly status = 403;
  constructor(recipient: string, failures: string[]) {
    super(`Refused by ${recipient}'s spam rules: ${failures.join("; ")}`);
  }
}

/** The outbound request names a sender, recipient or delivery service wrongly. */
export class InvalidOutboundError extends BadRequestError {
  override readonly name = "InvalidOutboundError";
  override readonly code = "invalid_outbound";
}

/** The sender is not a name with a DM3 profile under the calling domain. */
export class UnknownSenderError extends AppError {
  override readonly name = "UnknownSenderError";
  readonly code = "unknown_sender";
  readonly status = 404;
  constructor(name: string) {
    super(`"${name}" has no DM3 profile here: register the sender (with its profile) before sending as it`);
  }
}

/** No outbound message with this id in this domain. */
export class OutboundNotFoundError extends AppError {
  override readonly name = "OutboundNotFoundError";
  readonly code = "outbound_not_found";
  readonly status = 404;
  constructor(id: string) {
    super(`No outbound message ${id} in this domain`);
  }
}

/** Spam rules need `L1_RPC_URL`, which this deployment does not set. */
export class ChainNotConfiguredError extends BadRequestError {
  override readonly name = "ChainNotConfiguredError";
  override readonly code = "chain_not_configured";
  constructor() {
    super("This relay does not read the chain (no L1_RPC_URL), so it cannot check spam rules; ask its operator to configure one");
  }
}

/** This relay sends no notifications (`NOTIFY_FROM` is empty): 404. */
export class NotificationsOffError extends AppError {
  override readonly name = "NotificationsOffError";
  readonly code = "notifications_off";
  readonly status = 404;
  constructor() {
    super("This delivery service does not send email notifications");
  }
}

/** A confirmation code went out for the name less than a minute ago, or too many wrong codes were tried: 429. */
export class ConfirmationLimitError extends AppError {
  override readonly name = "ConfirmationLimitError";
  readonly code = "confirmation_limited";
  readonly status = 429;
  override readonly headers = { "Retry-After": "60" };
}

/** The confirmation code is wrong, expired, or none is pending: 400. */
export class InvalidConfirmationCodeError extends BadRequestError {
  override readonly name = "InvalidConfirmationCodeError";
  override readonly code = "invalid_code";
}

/** Email Service did not take the mail: 502 (nothing is pending; ask again). */
export class MailNotSentError extends AppError {
  override readonly name = "MailNotSentError";
  readonly code = "mail_not_sent";
  readonly status = 502;
  constructor(cause: unknown) {
    super("The confirmation mail could not be sent; ask for a new code", { metaMessages: [cause instanceof Error ? cause.message : String(cause)] });
  }
}

/** A name served elsewhere holds as many messages (or bytes) here as this relay keeps for such names. */
export class RecipientQuotaExceededError extends AppError {
  override readonly name = "RecipientQuotaExceededError";
  readonly code = "recipient_quota_exceeded";
  readonly status = 429;
  constructor(recipient: string, quota: { messages: number; bytes: number }) {
    super(
      `${recipient} holds the most messages this relay keeps for a name it does not serve (${quota.messages} messages, ${quota.bytes} bytes) until it picks them up; try again later`,
    );
  }
}
