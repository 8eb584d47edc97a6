import type { SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { deleteMessagesOfRecipients } from "../db/messages";
import type { NameLifecycleListener } from "../db/nameLifecycle";
import { deletePendingOutboundOfSenders } from "../db/outboundMessages";
import { deleteSubscriptionsOfNames } from "../db/notificationSubscriptions";
import { deleteSpamRulesOfNames } from "../db/spamRules";
import { deleteWebhookDeliveriesOfRecipients } from "../db/webhookDeliveries";

/**
 * The relay's part of a name's lifecycle: what it keeps for a name in `db` (the directory) — cached
 * messages, webhook deliveries, the name's own spam rules, undelivered outbound messages, the
 * notification address — belongs to its owner of the moment. A deleted name or a new owner takes
 * all of it away.
 */
export function relayNameLifecycle(db: Database): NameLifecycleListener {
  const forget = (names: SQL, beforeMs?: number) => [
    deleteMessagesOfRecipients(db, names, beforeMs),
    deleteWebhookDeliveriesOfRecipients(db, names, beforeMs),
    deleteSpamRulesOfNames(db, names, beforeMs),
    deletePendingOutboundOfSenders(db, names, beforeMs),
    deleteSubscriptionsOfNames(db, names, beforeMs),
  ];
  return { db, namesDeleted: forget, ownersChanged: forget };
}
