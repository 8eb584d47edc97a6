import autocannon from "autocannon";

/** What one load run measured. */
export type LoadResult = { requests: number; errors: number; rps: number; p50Ms: number; p99Ms: number };

/**
 * Loads `url` with autocannon from `concurrency` keep-alive connections for `durationSeconds`
 * (bounded: it stops by itself). `nextPath`, when given, picks each request's path (for requests
 * that must all differ). Anything but a 2xx answer counts as an error.
 */
export async function runLoad(url: string, concurrency: number, durationSeconds: number, nextPath?: () => string): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: concurrency,
    duration: durationSeconds,
    ...(nextPath && {
      requests: [
        {
          setupRequest: (request: autocannon.Request) => ({ ...request, path: nextPath() }),
        },
      ],
    }),
  });
  return {
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    rps: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}
