/** Answer types of the relay's service routes (the SDK returns these). */

/** One outbound message as its service sees it (`GET /v1/domains/{domain}/outbound/{id}`). */
export type OutboundMessageView = {
  domain: string;
  /** The first envelope's hash: submitting the same envelopes again answers this message. */
  id: string;
  sender: string;
  recipient: string;
  /** The recipient's delivery services it was built for, primary first. */
  deliveryServices: string[];
  status: "pending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAtMs: number;
  /** Reported failed when not delivered by then. */
  expiresAtMs: number;
  deliveredBy: string | null;
  lastError: string | null;
  createdAtMs: number;
  finishedAtMs: number | null;
};

/** A page of outbound messages, newest first; pass `cursor` for the next page. */
export type OutboundPage = { items: OutboundMessageView[]; nextCursor: string | null };

/** DM3 spam rules (dm3's names); amounts in wei / token units as decimal strings. */
export type SpamRulesInput = {
  minNonce?: number;
  minBalance?: string;
  minTokenBalance?: { address: string; amount: string };
};

/** A name's rules: its own, its domain's defaults, and the ones that apply. */
export type SpamRulesView = { name: string; rules: SpamRulesInput; domainDefaults: SpamRulesInput | null; effective: SpamRulesInput };

/** A domain's default rules for its names. */
export type DomainSpamRulesView = { domain: string; rules: SpamRulesInput };

/**
 * A relay user's email notifications as the user (its session) sees them: the address (null when
 * none), whether it is confirmed, when a pending code expires, and the most one mail per inbox per
 * how many seconds.
 */
export type NotificationView = { name: string; email: string | null; confirmed: boolean; codeExpiresAtMs: number | null; intervalSeconds: number };
