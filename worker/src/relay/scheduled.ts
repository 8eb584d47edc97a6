import type { RelayServices } from "./RelayServices";
import { deleteExpiredMessages, deleteSpentChallenges } from "../db/messages";
import { deleteFinishedOutboundMessages, listDueOutboundMessages } from "../db/outboundMessages";
import { deleteConfirmationMailsBefore } from "../db/confirmationMails";
import { CONFIRMATION_MAILS_WINDOW_MS } from "../shared/confirmationCode";
import { attemptOutbound } from "./outbound";
import { deliverDueWebhooks } from "./webhooks";

/** Finished outbound messages stay visible to their service this long, then go. */
export const FINISHED_OUTBOUND_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const OUTBOUND_SWEEP = 25;

/**
 * Cron: drops messages past their TTL (`MESSAGE_TTL_DAYS`, `FOREIGN_MESSAGE_TTL_DAYS`), spent challenges, finished outbound messages past
 * their retention and the confirmation-mail ledger's rows older than its window, and does the webhook deliveries and outbound attempts that are due — normally
 * the queue's wake-ups have done them already; this catches any that were lost.
 */
export async function runRelayMaintenance(services: RelayServices) {
  const { db, clock } = services;
  const [messages, , , webhooks, forgotten, due] = await Promise.all([
    deleteExpiredMessages(db, clock.nowMs()),
    deleteSpentChallenges(db, clock.nowSeconds()),
    deleteConfirmationMailsBefore(db, clock.nowMs() - CONFIRMATION_MAILS_WINDOW_MS),
    deliverDueWebhooks(db, services.webhooks(), clock.nowMs()),
    deleteFinishedOutboundMessages(db, clock.nowMs() - FINISHED_OUTBOUND_RETENTION_MS),
    listDueOutboundMessages(db, clock.nowMs(), OUTBOUND_SWEEP),
  ]);
  for (const key of due) await attemptOutbound(services, key);
  let bridgeMails = 0;
  for (const bridge of services.bridges()) bridgeMails += (await bridge.maintain()).attempted;
  return { expiredMessages: messages, webhooks, outbound: { attempted: due.length, forgotten }, bridgeMails };
}
