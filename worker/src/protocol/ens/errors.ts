import { ProtocolError } from "../ProtocolError";

/** The DNS wire-format name is malformed. */
export class InvalidDnsNameError extends ProtocolError {
  override readonly name = "InvalidDnsNameError";
  readonly code = "invalid_dns_name";
}

/** The name is not ENSIP-15 normalized (or cannot be). */
export class NameNotNormalizedError extends ProtocolError {
  override readonly name = "NameNotNormalizedError";
  readonly code = "name_not_normalized";
  constructor(name: string, options?: { cause?: unknown }) {
    super(`Name "${name}" is not ENSIP-15 normalized`, options);
  }
}

/** The node in the record call is not `namehash(name)`. */
export class NodeMismatchError extends ProtocolError {
  override readonly name = "NodeMismatchError";
  readonly code = "node_mismatch";
  constructor(name: string) {
    super(`The record call's node is not namehash("${name}")`);
  }
}
