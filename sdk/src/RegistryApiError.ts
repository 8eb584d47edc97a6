/** The registry answered with an error: its status and its `{message, code}`. */
export class RegistryApiError extends Error {
  override readonly name = "RegistryApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    readonly shortMessage: string,
    readonly url: string,
  ) {
    super(`${shortMessage} (HTTP ${status} ${code})`);
  }
}

/** The registry could not be reached at all (network error, refused connection). */
export class RegistryUnreachableError extends Error {
  override readonly name = "RegistryUnreachableError";
  constructor(
    readonly url: string,
    options: { cause: unknown },
  ) {
    super(`Cannot reach the registry at ${url}: is it running?`, options);
  }
}
