import type { Database } from "../db/client";
import type { BridgeInbox } from "../shared/bridgePorts";
import type { OutboundTransport } from "../net/OutboundTransport";
import type { EnsReader } from "../protocol/dm3/resolveDm3";
import type { Clock } from "../shared/Clock";
import type { Dm3Directory } from "../shared/dm3Directory";
import type { RelayWork } from "../shared/relayWork";
import type { ServedDomain } from "../shared/servedDomains";
import type { RelaySettings } from "../settings/relaySettings";
import type { NotificationSettings } from "../settings/settingsOf";

/**
 * What the relay's use cases receive (each takes the few members it uses), all declared below the
 * features; the composition root builds them.
 */
export type RelayServices = {
  /** The primary D1: the relay's messages, rules, outbound queue and webhook deliveries. */
  db: Database;
  clock: Clock;
  relay(): RelaySettings;
  domains(): Promise<ServedDomain[]>;
  directory: Dm3Directory;
  ens(): EnsReader | undefined;
  ensCacheMs(): number;
  webhooks(): OutboundTransport;
  /** Delivery services and other URLs strangers chose (the outside policy and request budget). */
  outside(): OutboundTransport;
  queue(): Queue<RelayWork> | undefined;
  /** New-message notifications by email, when this relay sends them. */
  notifications(): NotificationSettings | undefined;
  /** The bridges this relay hosts: their virtual users' messages go to them, not to the inbox. */
  bridges(): BridgeInbox[];
};
