import type { SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { deleteMessagesOfRecipients } from "../db/messages";
import type { NameLifecycleListener } from "../db/nameLifecycle";
import { deletePendingOutboundOfSenders } from "../db/outboundMessages";
import { deleteSpamRulesOfNames } from "../db/spamRules";
import { deleteWebhookDeliveriesOfRecipients } from "../db/webhookDeliveries";

/**
 * The relay's part of a name's lifecycle: what it keeps for a name — cached messages, webhook
 * deliveries, the name's own spam rules, undelivered outbound messages — belongs to its owner of
 * the moment. A deleted name or a new owner takes all of it away, in the registry's own batch.
 */
export const relayNameLifecycle: NameLifecycleListener = {
  namesDeleted: forgetRelayData,
  ownersChanged: forgetRelayData,
};

function forgetRelayData(db: Database, names: SQL) {
  return [
    deleteMessagesOfRecipients(db, names),
    deleteWebhookDeliveriesOfRecipients(db, names),
    deleteSpamRulesOfNames(db, names),
    deletePendingOutboundOfSenders(db, names),
  ];
}
