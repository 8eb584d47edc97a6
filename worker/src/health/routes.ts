import { Hono } from "hono";
import { version } from "../../../package.json";
import { createDatabase } from "../db/client";
import { parseConfig } from "../env";
import { listServedDomains } from "../shared/servedDomains";

/** `GET /health`: liveness plus what clients need to check the deployment (cheap: cached domains). */
export const healthRoutes = new Hono<{ Bindings: Env }>().get("/", async (c) => {
  const config = parseConfig(c.env);
  const domains = await listServedDomains(c.env.DB, createDatabase(c.env.DB));
  return c.json({
    status: "ok",
    version,
    signer: config.signer.address,
    signatureTtlSeconds: config.signatureTtlSeconds,
    resolvers: domains.map(({ name, resolverAddress, chainId }) => ({ domain: name, resolver: resolverAddress, chainId })),
  });
});
