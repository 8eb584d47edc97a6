import type { RelayWork } from "./relayWork";

/** Cloudflare Queues delays a message by at most 12 hours. */
export const MAX_QUEUE_DELAY_SECONDS = 12 * 60 * 60;

type WakeUpServices = { queue(): Queue<RelayWork> | undefined };

/**
 * Asks the queue to wake the worker for `work` in `delayMs` (rounded up to whole seconds). Without
 * a queue binding, or when sending fails, the 5-minute cron's sweep still finds the work in D1.
 */
export async function scheduleRelayWork(services: WakeUpServices, work: RelayWork, delayMs: number): Promise<void> {
  const queue = services.queue();
  if (!queue) return;
  const delaySeconds = Math.min(Math.max(0, Math.ceil(delayMs / 1000)), MAX_QUEUE_DELAY_SECONDS);
  try {
    await queue.send(work, { delaySeconds, contentType: "json" });
  } catch (error) {
    console.warn(`queue send failed (the cron will sweep): ${error instanceof Error ? error.message : String(error)}`);
  }
}
