import { ProtocolError } from "../ProtocolError";

/** Not an email address the bridge can key a virtual user by. */
export class InvalidEmailAddressError extends ProtocolError {
  override readonly name = "InvalidEmailAddressError";
  readonly code = "invalid_email_address";
  constructor(address: string, why: string) {
    super(`"${address.slice(0, 320)}" is not an email address the bridge takes: ${why}`);
  }
}
