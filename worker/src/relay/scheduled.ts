import type { Services } from "../app/services";
import { deleteExpiredMessages, deleteSpentChallenges } from "../db/messages";
import { deliverDueWebhooks } from "./webhooks";

/**
 * Cron: drops messages past `MESSAGE_TTL_MS` and challenges that have expired anyway, and retries
 * due gateway-mode webhook deliveries.
 */
export async function runRelayMaintenance(services: Pick<Services, "db" | "clock" | "webhooks">) {
  const { db, clock } = services;
  const [messages, , webhooks] = await Promise.all([
    deleteExpiredMessages(db, clock.nowMs()),
    deleteSpentChallenges(db, clock.nowSeconds()),
    deliverDueWebhooks(db, services.webhooks(), clock.nowMs()),
  ]);
  return { expiredMessages: messages, webhooks };
}
