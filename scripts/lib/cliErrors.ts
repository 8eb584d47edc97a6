/** The command line itself is wrong: exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Exit codes: 0 success, 1 failed operation, 2 bad usage. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
