import { createDatabase } from "../db/client";
import { deleteExpiredMessages, deleteSpentChallenges } from "../db/messages";

/** Cron: drops messages past `MESSAGE_TTL_MS` and challenges that have expired anyway. */
export async function removeExpired(env: Env, nowMs: number): Promise<{ messages: number }> {
  const db = createDatabase(env.DB);
  const [messages] = await Promise.all([deleteExpiredMessages(db, nowMs), deleteSpentChallenges(db, Math.floor(nowMs / 1000))]);
  return { messages };
}
