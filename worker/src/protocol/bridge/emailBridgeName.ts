import { sha256 } from "@noble/hashes/sha2";
import { base32nopad } from "@scure/base";
import { normalizeEmailAddress } from "./normalizeEmailAddress";

/** The rule's domain separation: a later rule gets a new tag, so no existing name changes meaning. */
const NAME_RULE_TAG = "dm3 email bridge name v1\n";
/** Virtual users' labels start with this (then 52 base32 characters: all 256 bits of the hash). */
export const EMAIL_BRIDGE_LABEL_PREFIX = "m";

/**
 * The ENS name of the virtual user an email bridge keeps for `address` under `bridgeDomain`: the
 * label is "m" and the lowercase base32 (RFC 4648, no padding) of SHA-256 over a versioned tag and
 * the normalized address ({@link normalizeEmailAddress}). Anyone who knows the address computes
 * the name; the name does not show the address; two addresses share a name only if SHA-256
 * collides (the whole 256-bit hash is in the label, so the rule is injective in every practical sense).
 *
 * @example emailBridgeName("Alice@Example.com", "mail.demo.eth") // "m….mail.demo.eth", the same as for "alice@example.com"
 * @see docs in the README, "Bridges"
 */
export function emailBridgeName(address: string, bridgeDomain: string): string {
  const digest = sha256(new TextEncoder().encode(`${NAME_RULE_TAG}${normalizeEmailAddress(address)}`));
  return `${EMAIL_BRIDGE_LABEL_PREFIX}${base32nopad.encode(digest).toLowerCase()}.${bridgeDomain}`;
}
