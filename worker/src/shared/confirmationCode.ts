import { sha256, stringToBytes } from "viem";
import type { Database } from "../db/client";
import { recordConfirmationMail } from "../db/confirmationMails";

/** Confirmation mails one address gets at most per {@link CONFIRMATION_MAILS_WINDOW_MS}, whatever names, features and clients ask. */
export const CONFIRMATION_MAILS_PER_ADDRESS = 5;
export const CONFIRMATION_MAILS_WINDOW_MS = 24 * 60 * 60 * 1000;

const CODE_DIGITS = 6;

/** How long a mailed confirmation code works (notifications, the email bridge's opt-in). */
export const CONFIRMATION_CODE_TTL_MS = 10 * 60 * 1000;
/** At most one code per name (or address) per this long; clients and addresses are rate-limited too. */
export const CONFIRMATION_RESEND_AFTER_MS = 60 * 1000;
/** Wrong codes tried before the pending one stops working (ask for a new one). */
export const MAX_CONFIRMATION_CODE_ATTEMPTS = 5;

/**
 * What is stored of a code: its SHA-256 bound to what it confirms (`purpose`, e.g. "notification
 * code") and for which name, so a code never confirms anything else.
 */
export const confirmationCodeHash = (purpose: string, name: string, code: string) => sha256(stringToBytes(`${purpose}|${name}|${code}`));

/** A uniformly random 6-digit code for a confirmation mail (rejection sampling: no modulo bias). */
export function newConfirmationCode(): string {
  const range = 10 ** CODE_DIGITS;
  const limit = Math.floor(0x1_0000_0000 / range) * range;
  for (;;) {
    const [value = 0] = crypto.getRandomValues(new Uint32Array(1));
    if (value < limit) return String(value % range).padStart(CODE_DIGITS, "0");
  }
}

/** What limits and ledgers know an address by: the SHA-256 of its lowercase form, never the address. */
export const addressKey = (email: string) => sha256(stringToBytes(email.toLowerCase()));

/** Compares two texts in time that depends only on their length (tokens, codes). */
export function timingSafeEqualText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  return difference === 0;
}

/**
 * Notes one confirmation mail to `email` in the shared ledger, unless the address got
 * {@link CONFIRMATION_MAILS_PER_ADDRESS} within the window already (then false, nothing noted).
 */
export function allowConfirmationMail(db: Database, email: string, nowMs: number): Promise<boolean> {
  return recordConfirmationMail(db, addressKey(email), nowMs, CONFIRMATION_MAILS_WINDOW_MS, CONFIRMATION_MAILS_PER_ADDRESS);
}
