import type { Context } from "hono";

/**
 * Runs `work` after the response (`waitUntil`). A failure there has no client to answer, so it is
 * logged as `what failed` instead of surfacing as an uncaught rejection.
 */
export function runInBackground(c: Context, what: string, work: Promise<unknown>): void {
  waitInBackground(c.executionCtx, what, work);
}

/** {@link runInBackground} on the runtime's execution context itself (for code outside hono). */
export function waitInBackground(ctx: Pick<ExecutionContext, "waitUntil">, what: string, work: Promise<unknown>): void {
  ctx.waitUntil(
    work.catch((error: unknown) => {
      console.error(`${what} failed:`, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }),
  );
}
