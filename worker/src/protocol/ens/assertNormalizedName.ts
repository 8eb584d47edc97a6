import { normalize } from "viem/ens";
import { NameNotNormalizedError } from "./errors";

/**
 * Throws unless `name` is already ENSIP-15 normalized (`normalize(name) === name`): a
 * non-normalized name has another namehash, so answering for it would answer for another name.
 *
 * @see https://docs.ens.domains/ensip/15
 * @throws {NameNotNormalizedError}
 */
export function assertNormalizedName(name: string): void {
  if (isPlainAsciiNormalized(name)) return;
  let normalized: string;
  try {
    normalized = normalize(name);
  } catch (cause) {
    throw new NameNotNormalizedError(name, { cause });
  }
  if (normalized !== name) throw new NameNotNormalizedError(name);
}

/** Labels of lowercase letters, digits, hyphens and underscores: characters ENSIP-15 keeps as they are. */
const PLAIN_ASCII_NAME = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;

/**
 * Whether `name` is normalized by ENSIP-15's rules for ASCII labels alone — its characters map to
 * themselves, underscores only lead a label, no label extension (`ab--`) — decided without the
 * normalizer (most lookups are such names; the normalizer is a large share of a lookup's CPU). False
 * means "ask the normalizer", never "not normalized".
 */
export function isPlainAsciiNormalized(name: string): boolean {
  if (!PLAIN_ASCII_NAME.test(name)) return false;
  for (const label of name.split(".")) {
    if (label.length >= 4 && label[2] === "-" && label[3] === "-") return false;
    const lastUnderscore = label.lastIndexOf("_");
    if (lastUnderscore > 0 && label.slice(0, lastUnderscore).replaceAll("_", "") !== "") return false;
  }
  return true;
}
