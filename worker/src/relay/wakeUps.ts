import type { RelayServices } from "./RelayServices";
import { findNextWebhookAttemptMs } from "../db/webhookDeliveries";
import type { RelayWork } from "../shared/relayWork";
import { attemptOutbound } from "./outbound";
import { MAX_QUEUE_DELAY_SECONDS, scheduleRelayWork } from "../shared/scheduleRelayWork";
import { deliverDueWebhooks } from "./webhooks";

export type { RelayWork };

const WEBHOOK_BATCH = 10;

/** Delivers due gateway-mode webhooks now, then asks to be woken when the next waiting one is due. */
export async function wakeWebhookDeliveries(services: Pick<RelayServices, "db" | "clock" | "webhooks" | "queue">): Promise<void> {
  await deliverDueWebhooks(services.db, services.webhooks(), services.clock.nowMs(), WEBHOOK_BATCH);
  const next = await findNextWebhookAttemptMs(services.db);
  if (next !== undefined) await scheduleRelayWork(services, { kind: "webhooks" }, next - services.clock.nowMs());
}

/** Does the work one queue message asks for. */
export async function doRelayWork(services: RelayServices, work: RelayWork): Promise<void> {
  switch (work.kind) {
    case "webhooks":
      await wakeWebhookDeliveries(services);
      return;
    case "outbound":
      await attemptOutbound(services, work);
      return;
    case "bridge":
      await services
        .bridges()
        .find((bridge) => bridge.kind === work.bridge)
        ?.wake(work.id);
      return;
  }
}

/**
 * The queue consumer: each message is a wake-up (D1 holds the work). A message whose work throws
 * (D1 or the chain unreachable) is retried by the queue, and after `max_retries` lands in the
 * dead-letter queue — where {@link drainDeadLetters} only logs it: the cron sweeps D1 anyway.
 */
export async function consumeRelayWork(services: RelayServices, batch: MessageBatch<RelayWork>): Promise<void> {
  for (const message of batch.messages) {
    try {
      await doRelayWork(services, message.body);
      message.ack();
    } catch (error) {
      console.error(
        `relay work ${JSON.stringify(message.body)} failed (attempt ${message.attempts}): ${error instanceof Error ? error.message : String(error)}`,
      );
      message.retry({ delaySeconds: Math.min(60 * message.attempts, MAX_QUEUE_DELAY_SECONDS) });
    }
  }
}

/** The dead-letter queue's consumer: records what gave up (the cron's sweep still finds the work in D1). */
export function drainDeadLetters(batch: MessageBatch<RelayWork>): void {
  for (const message of batch.messages) {
    console.error(`relay work gave up after ${message.attempts} attempts: ${JSON.stringify(message.body)}`);
    message.ack();
  }
}
