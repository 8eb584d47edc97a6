import { ProtocolError } from "../ProtocolError";

/** The call data is not a decodable `resolve(bytes,bytes)` call or record call. */
export class InvalidCallDataError extends ProtocolError {
  override readonly name = "InvalidCallDataError";
  readonly code = "invalid_call_data";
}

/** The record call's selector is not a record this gateway answers. */
export class UnsupportedRecordError extends ProtocolError {
  override readonly name = "UnsupportedRecordError";
  readonly code = "unsupported_record";
  constructor(selector: string, options?: { cause?: unknown }) {
    super(`Unsupported record function selector ${selector}`, options);
  }
}
