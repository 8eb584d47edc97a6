import { createServices, deliverPendingNameEvents, type Services } from "./services";
import { guardDomainResolvers } from "../registry/guardDomainResolvers";
import { enqueueDomainEvent } from "../relay/webhooks";
import { compactChangeFeeds } from "../registry/compactChangeFeeds";
import { runRelayMaintenance } from "../relay/scheduled";
import { consumeRelayWork, drainDeadLetters, type RelayWork } from "../relay/wakeUps";

export { app } from "./app";

// Everything but lookups: the main app and the queue, mail and cron handlers. `index.ts` loads this
// module on first use, so a cold isolate that answers lookups never evaluates it.

/**
 * Requests to strangers' URLs one cron run, queue batch or mail may make: their work is bounded by
 * batch sizes, not by what one sender asks for, so their budget is larger than a request's.
 */
const OUTSIDE_REQUESTS_PER_RUN = 1_000;

/** The dead-letter queue's name ends with this (wrangler.toml). */
const DEAD_LETTER_SUFFIX = "-dlq";

/**
 * The resolver guard's run: every served domain's parent checked on chain (at most hourly each),
 * and each domain whose state changed told through its webhook — queued here, delivered by the
 * relay's maintenance right after.
 */
async function guardResolvers(services: Services): Promise<void> {
  const ens = services.ens();
  if (!ens) return;
  const { checked, changes } = await guardDomainResolvers({
    db: services.db,
    domains: await services.domains(),
    ens,
    universalResolver: services.settings.chain()?.universalResolver,
    nowSeconds: services.clock.nowSeconds(),
  });
  for (const { domain, problem, fix } of changes) {
    console.warn(`resolver guard: ${domain.name}: ${problem ?? "resolves through its resolver again"}${fix ? `; fix: ${fix.description}` : ""}`);
    await enqueueDomainEvent(services.db, domain, problem ? "resolver_lost" : "resolver_restored", problem ? { problem, fix } : {}, services.clock.nowMs());
  }
  if (checked > 0) console.log(`resolver guard: ${checked} domains checked, ${changes.length} changed`);
}

export const handlers = {
  async queue(batch, env, _ctx) {
    if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) return drainDeadLetters(batch);
    await consumeRelayWork(createServices(env, { outsideRequests: OUTSIDE_REQUESTS_PER_RUN }), batch);
  },
  /** Email Routing's inbound mail: the email bridge takes it into DM3, or rejects it with the reason. */
  async email(message, env, _ctx) {
    const bridge = createServices(env, { outsideRequests: OUTSIDE_REQUESTS_PER_RUN }).emailBridge();
    if (!bridge) return message.setReject("no email bridge runs at this address");
    await bridge.receiveMail(message);
  },
  async scheduled(controller, env) {
    const services = createServices(env, { nowMs: () => controller.scheduledTime, outsideRequests: OUTSIDE_REQUESTS_PER_RUN });
    // A failure here (a database down) must not keep the relay's maintenance from running.
    const nameEvents = await deliverPendingNameEvents(services).catch((error: unknown) => {
      console.error(`name lifecycle events not delivered (next run retries): ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    });
    if (nameEvents > 0) console.log(`name lifecycle: ${nameEvents} events delivered late`);
    const folded = await compactChangeFeeds(services.allNameDatabases(), services.settings.changesRetentionDays(), services.clock.nowSeconds());
    if (folded > 0) console.log(`change feed: ${folded} superseded rows and deletes older than the retention window folded`);
    await guardResolvers(services).catch((error: unknown) =>
      console.error(`resolver guard failed (next run retries): ${error instanceof Error ? error.message : String(error)}`),
    );
    const { expiredMessages, webhooks, outbound, bridgeMails } = await runRelayMaintenance(services);
    if (bridgeMails > 0) console.log(`bridges: ${bridgeMails} queued mails attempted`);
    if (expiredMessages > 0 || webhooks.delivered + webhooks.failed + webhooks.deferred > 0 || outbound.attempted + outbound.forgotten > 0) {
      const { delivered, failed, deferred } = webhooks;
      console.log(
        `relay maintenance: ${expiredMessages} expired, webhooks ${delivered} delivered / ${failed} failed / ${deferred} deferred, outbound ${outbound.attempted} attempted / ${outbound.forgotten} forgotten`,
      );
    }
  },
} satisfies Omit<ExportedHandler<Env, RelayWork>, "fetch">;
