/** What the email bridge's routes answer (the SDK's types). */

/**
 * A mailed opt-in code is pending for the virtual user `name` (and its alias) until
 * `codeExpiresAtMs` — or, `null`, the address has its virtual user already and was mailed the link
 * that manages it.
 */
export type OptInView = { name: string; alias: string | null; codeExpiresAtMs: number | null };

/** A virtual user as its owner sees it (never the address: the owner knows it). */
export type VirtualUserView = {
  name: string;
  alias: string | null;
  status: "active" | "undeliverable";
  /** Why delivery stopped (the mail system's answer), when it did. */
  statusReason: string | null;
  createdAtMs: number;
};

/** The operator's view of the email bridge. */
export type BridgeStatusView = {
  bridge: string;
  enabled: boolean;
  domain: string;
  mailDomain: string;
  users: { active: number; undeliverable: number; pendingMails: number };
  /** BRIDGE_PREVIOUS_SECRET is set: the cron reseals, then the operator drops it. */
  secretRotationPending: boolean;
  /** Virtual users still sealed under a previous secret (0: BRIDGE_PREVIOUS_SECRET may go). */
  usersToReseal: number;
};

/** One page of virtual users for the operator (names are hashes of addresses: never an address). */
export type BridgeUsersPage = { items: (Omit<VirtualUserView, "status"> & { status: string })[]; next: string | null };
