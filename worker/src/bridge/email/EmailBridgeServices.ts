import type { Database } from "../../db/client";
import type { BridgeInbox, OutboundQueue, VirtualUserNames } from "../../shared/bridgePorts";
import type { Clock } from "../../shared/Clock";
import type { Dm3Directory } from "../../shared/dm3Directory";
import type { RelayWork } from "../../shared/relayWork";
import type { EmailBridgeSettings } from "../../settings/emailBridgeSettings";
import type { KeyVault } from "../keyVault";

/** What the email bridge's use cases receive, all declared below the features; the composition root builds them. */
export type EmailBridgeServices = {
  /** The primary D1 (the bridge's tables live next to the relay's). */
  db: Database;
  clock: Clock;
  settings: EmailBridgeSettings;
  /** Seals virtual users' keys and addresses under `BRIDGE_SECRET`. */
  vault: KeyVault;
  /** DM3 profiles and delivery services of any name. */
  directory: Dm3Directory;
  /** This relay's delivery service: every virtual user's profile lists it, and mail to its users needs no ENS lookup. */
  deliveryService: { name: string; publicEncryptionKey: string };
  /** Publishes and removes virtual users' names (the registry). */
  names: VirtualUserNames;
  /** Hands virtual users' messages to the relay's outbound queue. */
  outbound: OutboundQueue;
  queue(): Queue<RelayWork> | undefined;
  /** Mail into the bridge per virtual user (`BRIDGE_MAIL_LIMITER`), when bound. */
  mailLimiter: RateLimit | undefined;
};

/** The bridge as the relay and the email handler use it. */
export type EmailBridge = BridgeInbox & {
  /** The worker's `email()` handler: mail from a confirmed address into DM3, or a rejection with the reason. */
  receiveMail(message: InboundMail): Promise<void>;
};

/** What the `email()` handler gets from Email Routing (the parts the bridge reads). */
export type InboundMail = Pick<ForwardableEmailMessage, "from" | "to" | "raw" | "rawSize" | "setReject">;
