import { Hono } from "hono";
import { listResolverChecks } from "../db/resolverChecks";
import { describeRoute } from "../http/routeDocs";
import { createIsolateCache } from "../shared/isolateCache";
import type { HealthReport } from "./HealthReport";
import { version } from "../../../package.json";

/** The resolver guard's findings change at most every few minutes: read them at most this often per isolate. */
const PROBLEMS_TTL_MS = 10_000;
const problemsCache = createIsolateCache<HealthReport["resolverProblems"]>(1);

/** `GET /health`: liveness plus what clients need to check the deployment (cheap: cached domains and findings). */
export const healthRoutes = new Hono().get(
  "/",
  describeRoute({
    operationId: "health",
    summary: "Liveness, version, signer, the resolvers served and the resolver guard's findings",
    tag: "gateway",
    auth: "none",
  }),
  async (c) => {
    const services = c.get("services");
    const config = services.settings.gateway();
    const domains = await services.domains();
    const resolverProblems = await problemsCache.read("problems", PROBLEMS_TTL_MS, services.clock.nowMs(), async () =>
      (await listResolverChecks(services.db)).flatMap((row) =>
        row.problem === null
          ? []
          : [
              {
                domain: row.domain,
                problem: row.problem,
                checkedAtSeconds: row.checkedAtSeconds,
                fix: row.fix ? (JSON.parse(row.fix) as HealthReport["resolverProblems"][number]["fix"]) : null,
              },
            ],
      ),
    );
    return c.json<HealthReport>({
      status: "ok",
      version,
      signer: config.signer.address,
      signatureTtlSeconds: config.signatureTtlSeconds,
      resolvers: domains.map(({ name, resolverAddress, chainId }) => ({ domain: name, resolver: resolverAddress, chainId })),
      resolverProblems: resolverProblems.filter((entry) => domains.some((domain) => domain.name === entry.domain)),
    });
  },
);
