import { Hono } from "hono";
import { cors } from "hono/cors";
import { createServices, provideServices } from "./app/services";
import { ccipRoutes } from "./ccip/routes";
import { healthRoutes } from "./health/routes";
import { onError, onNotFound } from "./http/errors";
import { dm3ProfileRoutes } from "./registry/dm3Routes";
import { openApiRoutes, registryRoutes } from "./registry/routes";
import { relayRoutes } from "./relay/routes";
import { runRelayMaintenance } from "./relay/scheduled";

/** The worker: global middleware and one mount per product area. Trailing slashes are accepted. */
const app = new Hono<{ Bindings: Env }>({ strict: false })
  .use(
    cors({
      origin: "*",
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ["Content-Type", "Authorization"],
      maxAge: 86_400,
    }),
  )
  .use(provideServices())
  .route("/ccip", ccipRoutes)
  .route("/health", healthRoutes)
  .route("/v1", registryRoutes)
  .route("/openapi.json", openApiRoutes)
  .route("/profile", dm3ProfileRoutes)
  .route("/", relayRoutes)
  .notFound(onNotFound)
  .onError(onError);

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
