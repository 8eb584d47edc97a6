import { Hono } from "hono";
import { describeRoute } from "../http/routeDocs";
import type { HealthReport } from "./HealthReport";
import { version } from "../../../package.json";

/** `GET /health`: liveness plus what clients need to check the deployment (cheap: cached domains). */
export const healthRoutes = new Hono().get(
  "/",
  describeRoute({ operationId: "health", summary: "Liveness, version, signer and the resolvers served", tag: "gateway", auth: "none" }),
  async (c) => {
    const services = c.get("services");
    const config = services.settings.gateway();
    const domains = await services.domains();
    return c.json<HealthReport>({
      status: "ok",
      version,
      signer: config.signer.address,
      signatureTtlSeconds: config.signatureTtlSeconds,
      resolvers: domains.map(({ name, resolverAddress, chainId }) => ({ domain: name, resolver: resolverAddress, chainId })),
    });
  },
);
