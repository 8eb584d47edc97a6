import { fetchLookup, isLookupUrl } from "./app/lookupApp";
import type { RelayWork } from "./shared/relayWork";

/** Everything but lookups (see app/rest.ts), evaluated on its first use. */
const rest = () => import("./app/rest");

export default {
  // Lookups, the hot path, skip the main app's router and services (same routes and answers).
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    if (isLookupUrl(request.url)) return fetchLookup(request, env, ctx);
    return (await rest()).app.fetch(request, env, ctx);
  },
  async queue(batch, env, ctx) {
    await (await rest()).handlers.queue(batch, env, ctx);
  },
  async email(message, env, ctx) {
    await (await rest()).handlers.email(message, env, ctx);
  },
  async scheduled(controller, env) {
    await (await rest()).handlers.scheduled(controller, env);
  },
} satisfies ExportedHandler<Env, RelayWork>;
