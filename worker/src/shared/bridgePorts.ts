import type { Address } from "viem";
import type { Dm3Envelope } from "../protocol/dm3/buildEnvelope";
import type { DeliveryInformation, EncryptionEnvelope } from "../protocol/dm3/envelope";
import type { SignedUserProfile } from "../protocol/dm3/profile";

/**
 * A messaging bridge as the relay hosts it: a system that will never speak DM3, whose users the
 * bridge keeps as custodial virtual users under an ENS domain of its own. The relay hands it what
 * arrives for those names and wakes it for its queued work; nothing else of the bridge is visible.
 */
export type BridgeInbox = {
  /** The bridge's name in queue wake-ups and logs ("email"). */
  readonly kind: string;
  /** Whether `name` (normalized) is a name this bridge keeps virtual users under. */
  holds(name: string): boolean;
  /** The dm3 message types the bridge carries into its system (its users' `dm3_getProfileExtension`). */
  readonly supportedMessageTypes: readonly string[];
  /**
   * Takes a DM3 envelope for a virtual user that the relay accepted (shape, size, recipient, spam
   * rules); returns its id. Throws an `AppError` the relay answers with when the bridge refuses it.
   */
  receive(envelope: EncryptionEnvelope, deliveryInformation: DeliveryInformation): Promise<string>;
  /** A message a virtual user sent was given up for good: the bridge tells its user. */
  outboundFailed(report: { sender: string; recipient: string; error: string }): Promise<void>;
  /** Does the queued work `id` (a wake-up from the relay's queue). */
  wake(id: string): Promise<void>;
  /** The cron's sweep: work whose wake-up was lost, expired codes and threads. */
  maintain(): Promise<{ attempted: number }>;
};

/** What a bridge asks of the registry: publish and remove its virtual users' names. */
export type VirtualUserNames = {
  /** Creates or replaces `name` with `owner` as its address and `dm3Profile` as its profile. */
  put(name: string, records: { owner: Address; dm3Profile: SignedUserProfile }): Promise<void>;
  /** Deletes `name` (false when there was none); its last profile counts as superseded: never published for it again. */
  delete(name: string): Promise<boolean>;
};

/** A message from a name served here to a DM3 user anywhere, one envelope per delivery service of the recipient. */
export type OutboundPost = { from: string; to: string; envelopes: { deliveryService: string; envelope: Dm3Envelope }[] };

/** What a bridge asks of the relay: take an outbound message of `domain`'s user (retries, maximum age, a failure report). */
export type OutboundQueue = { post(domain: string, message: OutboundPost): Promise<void> };
