import { ConfigError } from "./ConfigError";

/** A whole number in `min..max`, `fallback` when empty. */
export function parseWholeNumber(value: string, name: string, fallback: number, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (!value) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`${name} must be a whole number in ${min}..${max === Number.MAX_SAFE_INTEGER ? "" : max}`);
  }
  return parsed;
}
