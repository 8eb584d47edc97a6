import { base32nopad } from "@scure/base";

/** Encoded mailboxes start with this; plain ones always contain a dot, encoded ones never do. */
const ENCODED_PREFIX = "dm3-";
const MAX_LOCAL_PART_BYTES = 64;
// A plain mailbox: dot-separated labels of lowercase letters, digits, "-" and "_" (a dot-atom).
const PLAIN = /^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/;

/**
 * The email local part that stands for the ENS name `name` at a bridge's mail domain: the name
 * itself when it is plain ASCII (`alice.acme.eth@bridge.example`), else "dm3-" and the lowercase
 * base32 of its UTF-8 (`🦊.eth` → `dm3-…`). Undefined when the result would be longer than the 64
 * bytes RFC 5321 allows (such names are reached through a reply: the bridge remembers them).
 *
 * @example mailboxOfEnsName("alice.acme.eth") // "alice.acme.eth"
 */
export function mailboxOfEnsName(name: string): string | undefined {
  const mailbox = PLAIN.test(name) ? name : `${ENCODED_PREFIX}${base32nopad.encode(new TextEncoder().encode(name)).toLowerCase()}`;
  return mailbox.length <= MAX_LOCAL_PART_BYTES ? mailbox : undefined;
}

/**
 * The ENS name a bridge mailbox stands for ({@link mailboxOfEnsName} reversed; any case), or
 * undefined when the local part is neither form. The caller still normalizes the result (ENSIP-15).
 */
export function ensNameOfMailbox(localPart: string): string | undefined {
  const mailbox = localPart.toLowerCase();
  if (mailbox.includes(".")) return PLAIN.test(mailbox) ? mailbox : undefined;
  if (!mailbox.startsWith(ENCODED_PREFIX)) return undefined;
  try {
    const name = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(base32nopad.decode(mailbox.slice(ENCODED_PREFIX.length).toUpperCase()));
    // Only the canonical form: a plain name has exactly one mailbox, itself.
    return name.includes(".") && !PLAIN.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}
