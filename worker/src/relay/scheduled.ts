import { createDatabase } from "../db/client";
import { parseWebhookTargetPolicy } from "../env";
import { deleteExpiredMessages, deleteSpentChallenges } from "../db/messages";
import { deliverDueWebhooks } from "./webhooks";

/**
 * Cron: drops messages past `MESSAGE_TTL_MS` and challenges that have expired anyway, and retries
 * due gateway-mode webhook deliveries.
 */
export async function runRelayMaintenance(env: Env, nowMs: number, fetcher: typeof fetch = fetch) {
  const db = createDatabase(env.DB);
  const [messages, , webhooks] = await Promise.all([
    deleteExpiredMessages(db, nowMs),
    deleteSpentChallenges(db, Math.floor(nowMs / 1000)),
    deliverDueWebhooks(db, { fetch: fetcher, targets: parseWebhookTargetPolicy(env) }, nowMs),
  ]);
  return { expiredMessages: messages, webhooks };
}
