import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ProtocolError } from "../protocol/ProtocolError";
import { AppError } from "./AppError";

/**
 * The HTTP status of each protocol-core error code: all of them are a client's malformed input
 * (gateway clients stop on a 4xx instead of trying the next URL).
 */
export const PROTOCOL_ERROR_STATUS: Readonly<Record<string, ContentfulStatusCode>> = {
  invalid_dns_name: 400,
  name_not_normalized: 400,
  node_mismatch: 400,
  invalid_call_data: 400,
  unsupported_record: 400,
  dm3_crypto: 400,
  invalid_email_address: 400,
  // A profile record pointing at something unreadable or not matching its hash: a permanent refusal.
  profile_unreadable: 422,
  // A name with no (usable) resolver has no records: for a lookup of it, "not found".
  ens_no_resolver: 404,
  ens_resolver_not_extended: 404,
};

/** The status an error answers with: its own (AppError), the table's (protocol codes), else 500. */
export function statusOfError(error: unknown): ContentfulStatusCode {
  if (error instanceof AppError) return error.status;
  if (error instanceof ProtocolError) return PROTOCOL_ERROR_STATUS[error.code] ?? 500;
  return 500;
}
