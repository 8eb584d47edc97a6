import { and, eq, or } from "drizzle-orm";
import type { SpamRules } from "../protocol/dm3/spamRules";
import type { Database } from "./client";
import { spamRules } from "./schema";

export type SpamRulesKind = "name" | "domain";

/** The rules stored for one name or domain, or undefined. */
export async function findSpamRules(db: Database, kind: SpamRulesKind, subject: string): Promise<SpamRules | undefined> {
  const row = await db
    .select({ rules: spamRules.rules })
    .from(spamRules)
    .where(and(eq(spamRules.kind, kind), eq(spamRules.subject, subject)))
    .get();
  return row ? (JSON.parse(row.rules) as SpamRules) : undefined;
}

/** The rules that apply to `name`: its own, else its domain's defaults (one query). */
export async function findEffectiveSpamRules(db: Database, name: string, domain: string | undefined): Promise<SpamRules | undefined> {
  const rows = await db
    .select({ kind: spamRules.kind, rules: spamRules.rules })
    .from(spamRules)
    .where(
      or(
        and(eq(spamRules.kind, "name"), eq(spamRules.subject, name)),
        domain === undefined ? undefined : and(eq(spamRules.kind, "domain"), eq(spamRules.subject, domain)),
      ),
    )
    .all();
  const row = rows.find((item) => item.kind === "name") ?? rows[0];
  return row ? (JSON.parse(row.rules) as SpamRules) : undefined;
}

/** Stores `rules` for a name or domain; empty rules remove the entry. */
export async function saveSpamRules(db: Database, kind: SpamRulesKind, subject: string, rules: SpamRules, nowMs: number): Promise<void> {
  if (Object.keys(rules).length === 0) {
    await db.delete(spamRules).where(and(eq(spamRules.kind, kind), eq(spamRules.subject, subject)));
    return;
  }
  const value = JSON.stringify(rules);
  await db
    .insert(spamRules)
    .values({ kind, subject, rules: value, updatedAtMs: nowMs })
    .onConflictDoUpdate({ target: [spamRules.kind, spamRules.subject], set: { rules: value, updatedAtMs: nowMs } });
}
