import type { Address } from "viem";
import type * as z from "zod/mini";
import type { NameRecords } from "./schemas";

// What the registry API answers, declared once from its request schemas: the routes answer with
// these types and the SDK reads them (its request types are the schemas' inputs).

/** A name as the API shows it: records plus the verified DM3 profile as an object. */
export type NameView = NameRecords & { name: string; domain: string };

/**
 * One name in a listing. `owner` is what the writer recorded; `ownerProven` says whether the owner
 * itself proved it (its signature on a write for the name, or on the name's DM3 profile).
 */
export type NameSummary = { name: string; owner: string; ownerProven: boolean; updatedAtSeconds: number };

/**
 * One entry of the change feed: a put carries the name's whole public state after the change (as
 * `GET /v1/names/{name}` shows it), a delete only the name. `cursor` is the feed position just
 * after this change.
 */
export type ChangeView = { cursor: string; atSeconds: number; name: string; domain: string } & (({ kind: "put" } & NameView) | { kind: "delete" });

/** A page of the change feed; continue (or poll) with `cursor`; `more` says the next page is already waiting. */
export type ChangesPage = { changes: ChangeView[]; cursor: string; more: boolean };

/** A page of results; pass `nextCursor` as `cursor` for the next one (null at the end). */
export type Page<Item> = { items: Item[]; nextCursor: string | null };

/** A served domain as everyone sees it; the admin also sees its webhook. */
export type DomainInfo = {
  name: string;
  resolverAddress: Address;
  chainId: number;
  allowAddressNames: boolean;
  /** Admin only: the gateway-mode webhook. */
  webhookUrl?: string | null;
  /** Admin only (and in the answer to PUT): the D1 binding holding the domain's names. */
  database?: string;
};

/** A service API key without its secret. */
export type ApiKeyView = {
  id: string;
  domain: string;
  label: string;
  createdAtSeconds: number;
  expiresAtSeconds: number | null;
  revokedAtSeconds: number | null;
};

/** A new key: the only answer that ever carries the secret. */
export type CreatedApiKey = ApiKeyView & { key: string };

/** The last owner-signed nonce of a name and how to sign the next write (EIP-712). */
export type NonceInfo = {
  name: string;
  nonce: number;
  owner: string | null;
  typedData: {
    domain: { name: string; version: string; chainId: number; verifyingContract: Address };
    types: Record<string, readonly { name: string; type: string }[]>;
    primaryType: "NameWrite";
  };
};

/** Gateway mode: the webhook as set (the secret is shown once). */
export type WebhookSettings = { domain: string; url: string; secret: string };

/** An envelope waiting for its domain's webhook. */
export type WebhookQueueItem = {
  id: string;
  domain: string;
  recipient: string;
  attempts: number;
  nextAttemptAtMs: number;
  lastError: string | null;
  createdAtMs: number;
};

/** One row of a domain's audit trail. */
export type AuditItem = { id: number; atSeconds: number; actor: string; action: string; domain: string; subject: string; detail: string | null };

/** What happened to each item of a bulk upsert. */
export type BulkResult = {
  results: ({ name: string; ok: true } | { name: string; ok: false; code: string; message: string })[];
  succeeded: number;
  failed: number;
};

/** The JSON body of every error answer. */
export type ApiErrorBody = { message: string; code: string };

/** Helper: a schema's input type (what a client sends). */
export type Input<Schema extends z.ZodMiniType> = z.input<Schema>;
