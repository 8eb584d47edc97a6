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
  let normalized: string;
  try {
    normalized = normalize(name);
  } catch (cause) {
    throw new NameNotNormalizedError(name, { cause });
  }
  if (normalized !== name) throw new NameNotNormalizedError(name);
}
