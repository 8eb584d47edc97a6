import { type SQLWrapper, sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Parent names this gateway serves (`demo.eth`), each behind one resolver contract on one chain. */
export const domains = sqliteTable("domains", {
  name: text("name").primaryKey(),
  /** The OffchainResolver that verifies our answers: the signing target of EIP-3668 answers. */
  resolverAddress: text("resolver_address").notNull(),
  chainId: integer("chain_id").notNull(),
  /** Domain policy: anyone may register `0x<their address>.<domain>` with their own signature. */
  allowAddressNames: integer("allow_address_names", { mode: "boolean" }).notNull().default(false),
  /** Gateway mode: envelopes for this domain's names are POSTed here instead of cached. */
  webhookUrl: text("webhook_url"),
  /** HMAC-SHA256 key the webhook body is signed with (shown to the admin once). */
  webhookSecret: text("webhook_secret"),
  /**
   * The D1 binding that holds the domain's names, records, nonces and name audit rows (`DB`, this
   * database, or one listed in `NAME_DATABASES`). Fixed at registration. In that database the
   * domain has a row too, for its names' foreign keys.
   */
  database: text("database").notNull().default("DB"),
  createdAtSeconds: integer("created_at").notNull(),
});

/** Service API keys, each scoped to one domain. Only the SHA-256 of the secret is stored. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    domain: text("domain")
      .notNull()
      .references(() => domains.name, { onDelete: "cascade" }),
    label: text("label").notNull(),
    /** Hex SHA-256 of the whole key; the key itself is shown once, at creation. */
    secretHash: text("secret_hash").notNull().unique(),
    createdAtSeconds: integer("created_at").notNull(),
    expiresAtSeconds: integer("expires_at"),
    revokedAtSeconds: integer("revoked_at"),
  },
  (table) => [index("api_keys_domain_idx").on(table.domain)],
);

/** One row per change: who (admin, key id or address), what, when. Written in the change's batch. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    atSeconds: integer("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    domain: text("domain").notNull(),
    subject: text("subject").notNull(),
    detail: text("detail"),
  },
  (table) => [index("audit_log_domain_idx").on(table.domain, table.id)],
);

/** Registered names (`alice.demo.eth`), keyed by namehash. */
export const names = sqliteTable(
  "names",
  {
    node: text("node").primaryKey(),
    name: text("name").notNull().unique(),
    domain: text("domain")
      .notNull()
      .references(() => domains.name, { onDelete: "cascade" }),
    ownerAddress: text("owner_address").notNull(),
    /** ENSIP-7 contenthash bytes as 0x-hex, or null when unset. */
    contenthash: text("contenthash"),
    /**
     * How the owner proved control of this name (see {@link OWNER_PROOF}): reverse lookups
     * (address → name, address → profile) consider only proven names, strongest proof first.
     */
    ownerProof: integer("owner_proof").notNull().default(0),
    /** When the current owner took the name (an owner change resets it; earlier proofs win ties). */
    ownerSinceSeconds: integer("owner_since").notNull().default(0),
    /** Bumped by every write; a PATCH writes only if it is still the version it read. */
    version: integer("version").notNull().default(0),
    createdAtSeconds: integer("created_at").notNull(),
    updatedAtSeconds: integer("updated_at").notNull(),
  },
  // (domain, name) serves listing, prefix search and cursor pagination; owner serves reverse lookup.
  // The last index is the proven reverse lookups' order of choice (see PROVEN_NAME_ORDER).
  (table) => [
    index("names_domain_name_idx").on(table.domain, table.name),
    index("names_owner_idx").on(table.ownerAddress),
    index("names_proven_owner_idx").on(
      sql`lower(${table.ownerAddress})`,
      sql`${table.ownerProof} DESC`,
      isAddressNameSql(table.name),
      table.ownerSinceSeconds,
      table.name,
    ),
  ],
);

/**
 * 1 for an address name (`0x<40 lowercase hex>.<domain>`), 0 for a chosen name (an alias), in SQL
 * (D1 refuses a GLOB pattern that long, so: prefix, dot, and nothing left after trimming hex digits).
 */
export function isAddressNameSql(name: SQLWrapper) {
  return sql`(substr(${name}, 1, 2) = '0x' AND substr(${name}, 43, 1) = '.' AND rtrim(substr(${name}, 3, 40), '0123456789abcdef') = '')`;
}

/** What a name's `owner_proof` says about its owner's consent (higher is stronger). */
export const OWNER_PROOF = {
  /** Only the service says so: never used to speak for the address. */
  none: 0,
  /** The stored DM3 profile is signed by the owner (who did not name this name in it). */
  profileSignature: 1,
  /** The owner signed a write for this very name (EIP-712 `NameWrite`, or dm3's sign-up route). */
  ownerSignedWrite: 2,
} as const;

/**
 * The last nonce of owner-signed writes per name (namehash). Kept when the name is deleted, so a
 * signature never works twice across the name's lifecycle; a trigger makes it strictly increasing.
 */
export const nameNonces = sqliteTable("name_nonces", {
  node: text("node").primaryKey(),
  nonce: integer("nonce").notNull(),
});

/**
 * DM3 profiles a name has moved away from (the profile's canonical JSON). dm3's SignedUserProfile
 * carries no nonce, so without this anyone could re-post an older signed profile and bring its
 * keys back; a trigger refuses a superseded profile for the same name on every write path.
 */
export const supersededProfiles = sqliteTable(
  "superseded_profiles",
  {
    node: text("node").notNull(),
    profile: text("profile").notNull(),
  },
  (table) => [primaryKey({ columns: [table.node, table.profile] })],
);

/** ENSIP-5 text records. */
export const textRecords = sqliteTable(
  "text_records",
  {
    node: text("node")
      .notNull()
      .references(() => names.node, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (table) => [primaryKey({ columns: [table.node, table.key] })],
);

/** ENSIP-9 / ENSIP-11 addresses, by SLIP-44 or EVM coin type, as 0x-hex bytes. */
export const addressRecords = sqliteTable(
  "address_records",
  {
    node: text("node")
      .notNull()
      .references(() => names.node, { onDelete: "cascade" }),
    coinType: integer("coin_type").notNull(),
    address: text("address").notNull(),
  },
  (table) => [primaryKey({ columns: [table.node, table.coinType] })],
);

export type DomainRow = typeof domains.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type AuditRow = typeof auditLog.$inferInsert;
export type NameRow = typeof names.$inferSelect;
export type TextRecordRow = typeof textRecords.$inferSelect;
export type AddressRecordRow = typeof addressRecords.$inferSelect;

/** Envelopes cached for their recipient until acknowledged (or expired). */
export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    /** Recipient ENS name (normalized). */
    recipient: text("recipient").notNull(),
    /** Sender ENS name, as the delivery information states it (the ack's `contactAddress`). */
    sender: text("sender").notNull(),
    /** What the recipient acknowledges: the envelope's encryptedMessageHash (or older messageHash). */
    messageHash: text("message_hash").notNull(),
    /** The envelope as served: delivery information decrypted, postmark added (JSON). */
    envelope: text("envelope").notNull(),
    receivedAtMs: integer("received_at_ms").notNull(),
    /** Null: kept until acknowledged. */
    expiresAtMs: integer("expires_at_ms"),
  },
  (table) => [index("messages_recipient_idx").on(table.recipient, table.receivedAtMs), index("messages_expiry_idx").on(table.expiresAtMs)],
);

/** Challenge tokens already answered, so a challenge works once. Rows go when the token expires. */
export const spentChallenges = sqliteTable("spent_challenges", {
  id: text("id").primaryKey(),
  expiresAtSeconds: integer("expires_at").notNull(),
});

export type MessageRow = typeof messages.$inferSelect;

/** Gateway-mode outbox: envelopes waiting for their domain's webhook to answer 2xx. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    domain: text("domain").notNull(),
    recipient: text("recipient").notNull(),
    /** The exact JSON body POSTed (and HMAC-signed) on every attempt. */
    body: text("body").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAtMs: integer("next_attempt_at_ms").notNull(),
    lastError: text("last_error"),
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (table) => [index("webhook_deliveries_due_idx").on(table.nextAttemptAtMs), index("webhook_deliveries_domain_idx").on(table.domain)],
);

export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

/**
 * DM3 spam rules (dm3's `minNonce`, `minBalance`, `minTokenBalance`), checked against the sender on
 * submit: set by a recipient for their name (`kind` "name"), or by a domain's service as the default
 * of its names (`kind` "domain"). A name's own rules replace its domain's.
 */
export const spamRules = sqliteTable(
  "spam_rules",
  {
    kind: text("kind", { enum: ["name", "domain"] }).notNull(),
    /** The normalized name or domain. */
    subject: text("subject").notNull(),
    /** The rules as JSON (canonical: amounts as decimal strings). */
    rules: text("rules").notNull(),
    /**
     * A name's rules: the profile signing key of the session that set them. They apply only while the
     * name's profile has that key — a new owner (or new keys) does not inherit them.
     */
    ownerKey: text("owner_key"),
    updatedAtMs: integer("updated_at_ms").notNull(),
  },
  (table) => [primaryKey({ columns: [table.kind, table.subject] })],
);

/**
 * Outbound: envelopes a connected service's users built for the delivery services of a recipient
 * elsewhere, kept until one of those services accepts, all refuse for good, or the maximum age
 * passes. D1 is the record (what the service and admin see); queue messages only wake the worker.
 */
export const outboundMessages = sqliteTable(
  "outbound_messages",
  {
    domain: text("domain").notNull(),
    /** The envelope hash of the first envelope: the same request again is the same message. */
    id: text("id").notNull(),
    sender: text("sender").notNull(),
    recipient: text("recipient").notNull(),
    /** JSON: [{ deliveryService, envelope }], the recipient's services in the profile's order. */
    envelopes: text("envelopes").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAtMs: integer("next_attempt_at_ms").notNull(),
    /** Given up (reported failed) when not delivered by then. */
    expiresAtMs: integer("expires_at_ms").notNull(),
    /** The delivery service that accepted it. */
    deliveredBy: text("delivered_by"),
    lastError: text("last_error"),
    createdAtMs: integer("created_at_ms").notNull(),
    finishedAtMs: integer("finished_at_ms"),
  },
  (table) => [
    primaryKey({ columns: [table.domain, table.id] }),
    index("outbound_messages_due_idx").on(table.status, table.nextAttemptAtMs),
    index("outbound_messages_domain_idx").on(table.domain, table.createdAtMs),
  ],
);

export type OutboundMessageRow = typeof outboundMessages.$inferSelect;

/**
 * The public change feed (`GET /v1/changes`): one row per create, update or delete of a name, in
 * commit order (`seq`, never reused, so cursors stay valid across deploys), written in the
 * change's own batch. A put carries the name's whole public state after the change (owner,
 * contenthash, texts, addresses as JSON); a delete carries none. No actor, key or secret.
 */
export const nameChanges = sqliteTable(
  "name_changes",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    atSeconds: integer("at").notNull(),
    domain: text("domain").notNull(),
    name: text("name").notNull(),
    node: text("node").notNull(),
    kind: text("kind", { enum: ["put", "delete"] }).notNull(),
    /** JSON `{owner, contenthash, texts, addresses}` for a put; null for a delete. */
    record: text("record"),
  },
  // (node, seq) finds a row's later changes when the feed is compacted.
  (table) => [index("name_changes_domain_idx").on(table.domain, table.seq), index("name_changes_node_idx").on(table.node, table.seq)],
);

export type NameChangeRow = typeof nameChanges.$inferSelect;

/**
 * How far this database's change feed is compacted (one row, `id` 1): rows up to `horizon` were
 * folded (superseded rows and deletes removed), and `generation` counts compactions, so a cursor
 * issued inside the folded part stays valid only while no later compaction ran.
 */
export const nameChangesHorizon = sqliteTable("name_changes_horizon", {
  id: integer("id").primaryKey(),
  horizon: integer("horizon").notNull(),
  generation: integer("generation").notNull(),
  compactedAtSeconds: integer("compacted_at").notNull(),
});

/**
 * Name lifecycle events for listeners whose data lives in another database than the names (the
 * relay keeps its data in `DB`; a domain's names may be in `DB_2`): written in the name write's own
 * batch, so none is lost; delivered right after it, and by the cron when that failed (db/nameLifecycle.ts).
 */
export const nameLifecycleEvents = sqliteTable("name_lifecycle_events", {
  seq: integer("seq").primaryKey({ autoIncrement: true }),
  kind: text("kind", { enum: ["deleted", "owner_changed"] }).notNull(),
  name: text("name").notNull(),
  /** When the name changed: listeners forget only what they received before. */
  atMs: integer("at_ms").notNull(),
});

export type NameLifecycleEventRow = typeof nameLifecycleEvents.$inferSelect;

/**
 * A relay user's email address for new-message notifications (dm3's feature). An address is used
 * only after its owner confirmed it with the code mailed to it; the subscription belongs to the
 * profile signing key of the session that set it (a new owner or new keys do not inherit it).
 */
export const notificationSubscriptions = sqliteTable("notification_subscriptions", {
  /** The recipient's normalized ENS name. */
  name: text("name").primaryKey(),
  ownerKey: text("owner_key").notNull(),
  email: text("email").notNull(),
  /** SHA-256 of the pending code (null once confirmed). */
  codeHash: text("code_hash"),
  codeSentAtMs: integer("code_sent_at_ms"),
  codeExpiresAtMs: integer("code_expires_at_ms"),
  codeAttempts: integer("code_attempts").notNull().default(0),
  confirmedAtMs: integer("confirmed_at_ms"),
  lastNotifiedAtMs: integer("last_notified_at_ms"),
});

export type NotificationSubscriptionRow = typeof notificationSubscriptions.$inferSelect;

/**
 * Confirmation mails sent, by address (its SHA-256, never the address): an address that never asked
 * gets at most a few codes a day, however many names and clients ask for it. Rows older than a day
 * are removed by the cron.
 */
export const confirmationMails = sqliteTable(
  "confirmation_mails",
  {
    emailHash: text("email_hash").notNull(),
    sentAtMs: integer("sent_at_ms").notNull(),
  },
  (table) => [index("confirmation_mails_email_idx").on(table.emailHash, table.sentAtMs)],
);

/**
 * The email bridge's virtual users: one per confirmed address, keyed by the ENS name the bridge
 * gives it (`emailBridgeName`). The address and the custodial keys are sealed (bridge key vault,
 * bound to the name): the database never holds either in clear.
 */
export const bridgeUsers = sqliteTable("bridge_users", {
  name: text("name").primaryKey(),
  sealedEmail: text("sealed_email").notNull(),
  /** The Ethereum key that signs the profile and the DM3 keys, as one sealed JSON value. */
  sealedKeys: text("sealed_keys").notNull(),
  /** A readable second name under the bridge domain, if the owner chose one. */
  alias: text("alias").unique(),
  /** "active", or "undeliverable" after a permanent sending failure (delivery stops). */
  status: text("status").notNull(),
  statusReason: text("status_reason"),
  createdAtMs: integer("created_at_ms").notNull(),
  updatedAtMs: integer("updated_at_ms").notNull(),
});

export type BridgeUserRow = typeof bridgeUsers.$inferSelect;

/** Pending opt-ins: a single-use code mailed to the address, by the name it will get. */
export const bridgeConfirmations = sqliteTable("bridge_confirmations", {
  name: text("name").primaryKey(),
  sealedEmail: text("sealed_email").notNull(),
  alias: text("alias"),
  codeHash: text("code_hash").notNull(),
  sentAtMs: integer("sent_at_ms").notNull(),
  expiresAtMs: integer("expires_at_ms").notNull(),
  attempts: integer("attempts").notNull().default(0),
});

/**
 * DM3 messages for virtual users on their way out as mail: the composed mail sealed (bound to its
 * id), until sent; retried with backoff from the queue; removed when sent or given up.
 */
export const bridgeMails = sqliteTable(
  "bridge_mails",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    sealedMail: text("sealed_mail").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAtMs: integer("next_attempt_at_ms").notNull(),
    lastError: text("last_error"),
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (table) => [index("bridge_mails_due_idx").on(table.nextAttemptAtMs), index("bridge_mails_name_idx").on(table.name)],
);

export type BridgeMailRow = typeof bridgeMails.$inferSelect;

/**
 * Which mail belongs to which DM3 message, per virtual user: a reply's In-Reply-To finds the DM3
 * message it answers (and its counterpart), a DM3 reply finds the mail to thread under.
 */
export const bridgeThreads = sqliteTable(
  "bridge_threads",
  {
    name: text("name").notNull(),
    mailId: text("mail_id").notNull(),
    messageHash: text("message_hash").notNull(),
    peer: text("peer").notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.name, table.mailId, table.messageHash] }),
    index("bridge_threads_message_idx").on(table.name, table.messageHash),
    index("bridge_threads_created_idx").on(table.createdAtMs),
  ],
);

/** The admin's switch per bridge (no row = on). */
export const bridgeSwitches = sqliteTable("bridge_switches", {
  bridge: text("bridge").primaryKey(),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  changedAtMs: integer("changed_at_ms").notNull(),
  changedBy: text("changed_by").notNull(),
});

/**
 * SIWE messages handed out for NameStone's `enable-domain` (one outstanding per address): the
 * signature must be over exactly this message, once, before it expires.
 */
export const siweChallenges = sqliteTable("siwe_challenges", {
  /** Lower-case 0x address the message was issued for. */
  address: text("address").primaryKey(),
  message: text("message").notNull(),
  expiresAtSeconds: integer("expires_at").notNull(),
});

/**
 * What the resolver guard last found on chain for each served domain (cron, at most hourly per
 * domain): whether the parent name still points at the resolver the gateway signs for and is not
 * about to expire. `problem` is null while all is well.
 */
export const resolverChecks = sqliteTable("resolver_checks", {
  domain: text("domain").primaryKey(),
  checkedAtSeconds: integer("checked_at").notNull(),
  /** The resolver the registry names for the domain now (zero address: none). */
  resolverOnChain: text("resolver_on_chain").notNull(),
  /** When the .eth registration ends (unix seconds), where the chain tells. */
  expiresAtSeconds: integer("expires_at"),
  problem: text("problem"),
  /** JSON `{to, data, description}` of the transaction that fixes a resolver problem. */
  fix: text("fix"),
});

export type ResolverCheckRow = typeof resolverChecks.$inferSelect;
