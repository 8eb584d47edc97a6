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

/** No resolver is set for a name or any of its parents (ENSIP-10 walk). */
export class EnsNoResolverError extends ProtocolError {
  override readonly name = "EnsNoResolverError";
  readonly code = "ens_no_resolver";
  constructor(name: string) {
    super(`No resolver is set for ${name} or any of its parents`);
  }
}

/** A parent's resolver cannot answer for a subname (it is not an ENSIP-10 extended resolver). */
export class EnsResolverNotExtendedError extends ProtocolError {
  override readonly name = "EnsResolverNotExtendedError";
  readonly code = "ens_resolver_not_extended";
  constructor(
    parent: string,
    readonly resolver: string,
    name: string,
  ) {
    super(`Resolver of ${parent} (${resolver}) does not support ENSIP-10 wildcard resolution of ${name}`);
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
