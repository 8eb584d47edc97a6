import { Hono } from "hono";
import { cors } from "hono/cors";
import { ccipRoutes } from "./ccip/routes";
import { healthRoutes } from "./health/routes";
import { registryRoutes } from "./registry/routes";
import { onError, onNotFound } from "./http/errors";

/** The worker: global middleware and one mount per product area. */
const app = new Hono<{ Bindings: Env }>()
  .use(cors({ origin: "*", allowMethods: ["GET", "POST", "PUT", "OPTIONS"], allowHeaders: ["Content-Type", "Authorization"], maxAge: 86_400 }))
  .route("/ccip", ccipRoutes)
  .route("/health", healthRoutes)
  .route("/v1", registryRoutes)
  .notFound(onNotFound)
  .onError(onError);

export default app;
