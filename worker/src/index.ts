import { Hono } from "hono";
import { cors } from "hono/cors";
import { ccipRoutes } from "./ccip/routes";
import { healthRoutes } from "./health/routes";
import { dm3ProfileRoutes } from "./registry/dm3Routes";
import { openApiRoutes, registryRoutes } from "./registry/routes";
import { onError, onNotFound } from "./http/errors";

/** The worker: global middleware and one mount per product area. */
const app = new Hono<{ Bindings: Env }>()
  .use(cors({ origin: "*", allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], allowHeaders: ["Content-Type", "Authorization"], maxAge: 86_400 }))
  .route("/ccip", ccipRoutes)
  .route("/health", healthRoutes)
  .route("/v1", registryRoutes)
  .route("/openapi.json", openApiRoutes)
  .route("/profile", dm3ProfileRoutes)
  .notFound(onNotFound)
  .onError(onError);

export default app;
