/**
 * Change-feed retention at scale, under `wrangler dev`: a domain of `BENCH_MAX_NAMES` names (default
 * 1M) whose feed holds a long history — each name created and updated twice, and one name in ten
 * with a sibling created and deleted, all dated long ago — then the cron's compaction, run through
 * wrangler's scheduled-event route until the history is folded. Prints the feed's bytes (its table
 * and indexes, SQLite's page counts) per live name before and after, the rows, and the compaction's
 * time per cron run beside a cron run with nothing to fold.
 *
 * Usage: npm run bench -- feed
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { withBenchStack } from "./lib/benchStack";
import { type DatabaseSize, measureDatabaseSize, readLocalD1 } from "./lib/databaseSize";
import { fillNames } from "./lib/fillNames";
import { runWrangler } from "../scripts/lib/wrangler";

const NAMES = Number(process.env.BENCH_MAX_NAMES ?? 1_000_000);
const FILL_BATCH = 250_000;
const HISTORY = { updates: 2, deletedEvery: 10 };

/** The change feed's share of the database: its table and its indexes. */
const feedBytes = (size: DatabaseSize) => size.byObject.filter((entry) => entry.name.startsWith("name_changes")).reduce((sum, entry) => sum + entry.bytes, 0);

export async function benchFeed(): Promise<void> {
  await withBenchStack(async (stack, registry, stateDir) => {
    const domain = "history.eth";
    await registry.putDomain(domain, { resolverAddress: stack.info.resolver, chainId: stack.info.chainId });
    const d1Dir = path.join(stateDir, "d1");
    for (let from = 0; from < NAMES; from += FILL_BATCH) await fillNames(d1Dir, domain, from, Math.min(NAMES, from + FILL_BATCH), HISTORY);
    // The whole history long ago and in commit order, as a real feed's is (the stack's own demo names included).
    await runWrangler(["d1", "execute", "DB", "--local", "--persist-to", d1Dir, "--command", "UPDATE name_changes SET at = 1700000000 + seq / 100"]);
    const feedState = () =>
      readLocalD1(d1Dir, (db) => ({
        rows: (db.prepare("SELECT count(*) AS rows FROM name_changes").get() as { rows: number }).rows,
        horizon: (db.prepare("SELECT coalesce(max(horizon), 0) AS horizon FROM name_changes_horizon").get() as { horizon: number }).horizon,
        last: (db.prepare("SELECT max(seq) AS last FROM name_changes").get() as { last: number }).last,
      }));
    const before = { size: await measureDatabaseSize(d1Dir), ...(await feedState()) };

    /** One cron run through wrangler's scheduled-event route, timed. */
    const cronRun = async () => {
      const started = performance.now();
      const response = await fetch(`${stack.info.gatewayUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("*/5 * * * *")}&time=${Date.now()}`);
      const outcome = await response.text();
      if (!response.ok || outcome !== "ok") throw new Error(`scheduled event: ${response.status} ${outcome}`);
      return performance.now() - started;
    };
    const runs: number[] = [];
    for (let state = await feedState(); state.horizon < state.last; ) {
      runs.push(await cronRun());
      const next = await feedState();
      if (next.horizon === state.horizon) throw new Error(`a cron run folded nothing (horizon ${state.horizon} of ${state.last}): see the worker's log`);
      state = next;
    }
    const idle = [await cronRun(), await cronRun(), await cronRun()];
    const after = { size: await measureDatabaseSize(d1Dir), ...(await feedState()) };

    const perName = (bytes: number) => (bytes / NAMES).toFixed(0);
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
    console.log(
      `\nChange-feed retention: ${NAMES.toLocaleString("en")} live names; history: created + ${HISTORY.updates} updates each, 1 in ${HISTORY.deletedEvery} with a deleted sibling`,
    );
    console.log("          |   feed rows | feed MB (table + indexes) | feed bytes per live name | whole D1 MB");
    for (const [label, point] of [
      ["before", before],
      ["after", after],
    ] as const) {
      const bytes = feedBytes(point.size);
      console.log(
        [
          label.padEnd(9),
          point.rows.toLocaleString("en").padStart(11),
          (bytes / 1e6).toFixed(1).padStart(25),
          perName(bytes).padStart(24),
          (point.size.bytes / 1e6).toFixed(1).padStart(11),
        ].join(" | "),
      );
    }
    console.log(
      `Compaction: ${runs.length} cron runs (at most 50,000 rows each), ${mean(runs).toFixed(0)} ms per run (max ${Math.max(...runs).toFixed(0)}); a run with nothing to fold ${mean(idle).toFixed(0)} ms`,
    );
    console.log("(freed pages stay in the file and take new rows: the feed's own pages are what it holds)");
  });
}
