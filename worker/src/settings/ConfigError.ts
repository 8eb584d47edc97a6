import { AppError } from "../http/AppError";

/** A binding is missing or malformed: the deployment, not the client, is at fault (500). */
export class ConfigError extends AppError {
  override readonly name = "ConfigError";
  readonly code = "misconfigured";
  readonly status = 500;
  constructor(problem: string) {
    super("The gateway is misconfigured", { metaMessages: [problem] });
  }
}
