/**
 * A message on the relay's work queue (`RELAY_QUEUE`): a wake-up, never the work itself — D1 holds
 * what is to be done, so a lost or repeated wake-up loses or repeats nothing.
 */
export type RelayWork =
  | { kind: "webhooks" }
  | { kind: "outbound"; domain: string; id: string }
  /** A bridge's queued work (`bridge` is its `BridgeInbox.kind`). */
  | { kind: "bridge"; bridge: string; id: string };
