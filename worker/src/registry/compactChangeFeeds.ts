import type { NamedDatabase } from "../db/client";
import { compactNameChanges } from "../db/nameChanges";

/** Compactions come at most about once a day (each one expires cursors inside folded history). */
const COMPACTION_SLACK_SECONDS = 24 * 60 * 60;
/** Feed rows folded per database per cron run: one transaction D1 finishes well within its limits. */
export const COMPACTION_ROWS = 50_000;
const DAY_SECONDS = 24 * 60 * 60;

/**
 * The cron's fold of every names database's change feed: history older than `retentionDays`
 * becomes one put per live name (see `compactNameChanges`). A database that fails is logged and
 * left for the next run; the others still compact.
 *
 * @returns the feed rows removed.
 */
export async function compactChangeFeeds(databases: readonly NamedDatabase[], retentionDays: number, nowSeconds: number): Promise<number> {
  if (retentionDays === 0) return 0;
  let removed = 0;
  for (const { binding, db } of databases) {
    try {
      const result = await compactNameChanges(db, {
        cutoffSeconds: nowSeconds - retentionDays * DAY_SECONDS,
        slackSeconds: COMPACTION_SLACK_SECONDS,
        maxRows: COMPACTION_ROWS,
        nowSeconds,
      });
      if (result) removed += result.removed;
    } catch (error) {
      console.error(`change feed of ${binding} not compacted (next run retries): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return removed;
}
