import { normalize } from "viem/ens";
import { ConfigError } from "./ConfigError";
import { parseWholeNumber } from "./parseWholeNumber";

/** The email bridge: where its virtual users live (ENS) and get mail (DNS), and what it holds them by. */
export type EmailBridgeSettings = {
  /** `BRIDGE_EMAIL_DOMAIN`: the served ENS domain virtual users are named under (`mail.demo.eth`). */
  domain: string;
  /** `BRIDGE_MAIL_DOMAIN`: the mail domain on Email Routing and Email Service (`bridge.example`). */
  mailDomain: string;
  /** `BRIDGE_SECRET` and, during a rotation, `BRIDGE_PREVIOUS_SECRET`: seal virtual users' keys and addresses. */
  secret: string;
  previousSecret: string | undefined;
  /** `BRIDGE_AUTHSERV_ID`: whose `Authentication-Results` header inbound mail is judged by (the platform's). */
  authservId: string;
  /** `BRIDGE_MAX_MAIL_BYTES`: the largest inbound mail taken. */
  maxMailBytes: number;
  /** Email Service (`EMAIL`). */
  mailer: SendEmail;
  /** `DS_URL`: where confirmation and delete links point. */
  publicUrl: string;
};

const DEFAULT_AUTHSERV_ID = "mx.cloudflare.net";
const DEFAULT_MAX_MAIL_BYTES = 256 * 1024;
const MAIL_DOMAIN = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;

/** The email bridge's settings, or undefined when `BRIDGE_EMAIL_DOMAIN` is empty (no bridge). */
export function parseEmailBridgeSettings(values: {
  domain: string;
  mailDomain: string;
  secret: string;
  previousSecret: string;
  authservId: string;
  maxMailBytes: string;
  mailer: unknown;
  publicUrl: string | undefined;
}): EmailBridgeSettings | undefined {
  if (!values.domain) return undefined;
  let domain: string;
  try {
    domain = normalize(values.domain);
  } catch {
    throw new ConfigError(`BRIDGE_EMAIL_DOMAIN "${values.domain}" is not a normalized ENS name`);
  }
  if (domain !== values.domain) throw new ConfigError(`BRIDGE_EMAIL_DOMAIN must be written normalized: "${domain}"`);
  const mailDomain = values.mailDomain.toLowerCase();
  if (!MAIL_DOMAIN.test(mailDomain))
    throw new ConfigError(`BRIDGE_MAIL_DOMAIN "${values.mailDomain}" is not a mail domain (the bridge needs one on Email Routing)`);
  if (values.secret.length < 32)
    throw new ConfigError("BRIDGE_SECRET must be at least 32 characters (openssl rand -base64 32; `wrangler secret put BRIDGE_SECRET`)");
  if (typeof (values.mailer as Partial<SendEmail> | undefined)?.send !== "function") {
    throw new ConfigError("BRIDGE_EMAIL_DOMAIN is set but the send_email binding EMAIL is missing (wrangler.toml [[send_email]])");
  }
  if (!values.publicUrl)
    throw new ConfigError("BRIDGE_EMAIL_DOMAIN needs DS_URL: the bridge's mail links point to it and its virtual users' profiles list this relay");
  return {
    domain,
    mailDomain,
    secret: values.secret,
    previousSecret: values.previousSecret || undefined,
    authservId: (values.authservId || DEFAULT_AUTHSERV_ID).toLowerCase(),
    maxMailBytes: parseWholeNumber(values.maxMailBytes, "BRIDGE_MAX_MAIL_BYTES", DEFAULT_MAX_MAIL_BYTES, 1024, 25 * 1024 * 1024),
    mailer: values.mailer as SendEmail,
    publicUrl: values.publicUrl,
  };
}
