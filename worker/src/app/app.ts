import { namestoneRoutes } from "../registry/namestone/routes";
import { Hono } from "hono";
import { API_INFO } from "../apiInfo";
import { emailBridgeRoutes } from "../bridge/email/routes";
import { ccipRoutes } from "../ccip/routes";
import { healthRoutes } from "../health/routes";
import { onError, onNotFound } from "../http/errors";
import { openApiDocument } from "../http/openApiDocument";
import { describeRoute } from "../http/routeDocs";
import { dm3ProfileRoutes } from "../registry/dm3Routes";
import { registryRoutes } from "../registry/routes";
import { pageRoutes } from "../pages/routes";
import { relayRoutes } from "../relay/routes";
import { relayServiceRoutes } from "../relay/serviceRoutes";
import { corsPolicy } from "./corsPolicy";
import { provideServices } from "./services";

/** The worker: global middleware and one mount per product area. Trailing slashes are accepted. */
export const app = new Hono<{ Bindings: Env }>({ strict: false })
  .use(corsPolicy)
  .use(provideServices())
  .route("/ccip", ccipRoutes)
  .route("/health", healthRoutes)
  .route("/v1", registryRoutes)
  .route("/namestone/v1", namestoneRoutes)
  .route("/v1", relayServiceRoutes)
  .route("/profile", dm3ProfileRoutes)
  .route("/", pageRoutes)
  .route("/", relayRoutes)
  .route("/", emailBridgeRoutes)
  .notFound(onNotFound)
  .onError(onError);

/** `GET /openapi.json`: generated once per isolate from the routes above. */
let document: Record<string, unknown> | undefined;
app.get("/openapi.json", describeRoute({ operationId: "openApiDocument", summary: "This document", tag: "gateway", auth: "none" }), (c) => {
  document ??= openApiDocument(app.routes, API_INFO);
  return c.json(document);
});
