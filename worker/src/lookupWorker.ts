import { fetchLookup } from "./app/lookupApp";

/**
 * The gateway's lookups as a Worker of their own (`npm run cli -- deploy worker --lookup-worker`):
 * the same code and answers as the main worker's `/ccip`, with none of the registry, relay, pages
 * or bridges in its bundle, so a cold isolate parses and compiles about a third of the main
 * worker (docs/benchmarks.md). Cloudflare's module registry compiles every module a Worker uploads
 * when an isolate starts, so only a separate Worker keeps that code off the lookup's start-up.
 * Route `<host>/ccip*` to it; every other path answers a JSON 404.
 */
export default { fetch: fetchLookup } satisfies ExportedHandler<Env>;
