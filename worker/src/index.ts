import { app } from "./app/app";
import { createServices } from "./app/services";
import { runRelayMaintenance } from "./relay/scheduled";

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    const { expiredMessages, webhooks } = await runRelayMaintenance(createServices(env, { nowMs: () => controller.scheduledTime }));
    if (expiredMessages > 0 || webhooks.delivered + webhooks.failed + webhooks.deferred > 0) {
      const { delivered, failed, deferred } = webhooks;
      console.log(`relay maintenance: ${expiredMessages} expired, webhooks ${delivered} delivered / ${failed} failed / ${deferred} deferred`);
    }
  },
} satisfies ExportedHandler<Env>;
