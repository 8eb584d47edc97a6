import { InvalidEmailAddressError } from "./errors";

/** RFC 5321's limits: a local part of at most 64 octets, a whole address of at most 254. */
const MAX_LOCAL_PART_BYTES = 64;
const MAX_ADDRESS_BYTES = 254;
// Anything but whitespace, controls, "@" and the specials RFC 5322 reserves outside quotes.
const LOCAL_PART = /^[^\s\p{Cc}@"(),:;<>[\]\\]+$/u;
const ASCII_DOMAIN = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;

/**
 * An email address as the bridge keys it: trimmed and lowercased (mail systems treat addresses
 * case-insensitively in practice), its domain in IDNA ASCII (`bücher.example` → `xn--bcher-kva.example`).
 * Quoted local parts and address literals are refused.
 *
 * @example normalizeEmailAddress(" Alice@Example.COM ") // "alice@example.com"
 * @throws {InvalidEmailAddressError}
 */
export function normalizeEmailAddress(address: string): string {
  const trimmed = address.trim();
  const at = trimmed.lastIndexOf("@");
  if (at <= 0 || at === trimmed.length - 1) throw new InvalidEmailAddressError(address, "it needs a local part, an @ and a domain");
  const local = trimmed.slice(0, at).toLowerCase();
  if (!LOCAL_PART.test(local) || local.startsWith(".") || local.endsWith(".") || local.includes("..")) {
    throw new InvalidEmailAddressError(address, "its local part is not a plain dot-atom");
  }
  if (new TextEncoder().encode(local).length > MAX_LOCAL_PART_BYTES) throw new InvalidEmailAddressError(address, "its local part is longer than 64 bytes");
  let domain: string;
  try {
    // URL applies IDNA (UTS #46): the domain in the ASCII form mail servers use.
    domain = new URL(`http://${trimmed.slice(at + 1)}`).hostname;
  } catch {
    throw new InvalidEmailAddressError(address, "its domain is not a host name");
  }
  if (!ASCII_DOMAIN.test(domain)) throw new InvalidEmailAddressError(address, "its domain is not a host name with a dot");
  const normalized = `${local}@${domain}`;
  if (new TextEncoder().encode(normalized).length > MAX_ADDRESS_BYTES) throw new InvalidEmailAddressError(address, "it is longer than 254 bytes");
  return normalized;
}
