import { and, eq, or, type SQL, sql } from "drizzle-orm";
import type { SpamRules } from "../protocol/dm3/spamRules";
import type { Database } from "./client";
import { upTo } from "./nameLifecycle";
import { spamRules } from "./schema";

export type SpamRulesKind = "name" | "domain";

/**
 * The rules stored for a domain, or for a name — those only while its profile still has `ownerKey`,
 * the signing key they were set with (a new owner or new keys do not inherit them).
 */
export async function findSpamRules(db: Database, kind: SpamRulesKind, subject: string, ownerKey?: string): Promise<SpamRules | undefined> {
  const row = await db
    .select({ rules: spamRules.rules, ownerKey: spamRules.ownerKey })
    .from(spamRules)
    .where(and(eq(spamRules.kind, kind), eq(spamRules.subject, subject)))
    .get();
  if (!row || (kind === "name" && row.ownerKey !== ownerKey)) return undefined;
  return JSON.parse(row.rules) as SpamRules;
}

/** The rules that apply to `name` (whose profile's signing key is `ownerKey`): its own, else its domain's defaults (one query). */
export async function findEffectiveSpamRules(db: Database, name: string, ownerKey: string, domain: string | undefined): Promise<SpamRules | undefined> {
  const rows = await db
    .select({ kind: spamRules.kind, rules: spamRules.rules, ownerKey: spamRules.ownerKey })
    .from(spamRules)
    .where(
      or(
        and(eq(spamRules.kind, "name"), eq(spamRules.subject, name)),
        domain === undefined ? undefined : and(eq(spamRules.kind, "domain"), eq(spamRules.subject, domain)),
      ),
    )
    .all();
  const row = rows.find((item) => item.kind === "name" && item.ownerKey === ownerKey) ?? rows.find((item) => item.kind === "domain");
  return row ? (JSON.parse(row.rules) as SpamRules) : undefined;
}

/** Stores `rules` for a name (set with the profile key `ownerKey`) or a domain; empty rules remove the entry. */
export async function saveSpamRules(
  db: Database,
  kind: SpamRulesKind,
  subject: string,
  rules: SpamRules,
  nowMs: number,
  ownerKey: string | null = null,
): Promise<void> {
  if (Object.keys(rules).length === 0) {
    await db.delete(spamRules).where(and(eq(spamRules.kind, kind), eq(spamRules.subject, subject)));
    return;
  }
  const value = JSON.stringify(rules);
  await db
    .insert(spamRules)
    .values({ kind, subject, rules: value, ownerKey, updatedAtMs: nowMs })
    .onConflictDoUpdate({ target: [spamRules.kind, spamRules.subject], set: { rules: value, ownerKey, updatedAtMs: nowMs } });
}

/** The statement that deletes the own spam rules (set up to `beforeMs`, when given) of the names `names` yields. */
export function deleteSpamRulesOfNames(db: Database, names: SQL, beforeMs?: number) {
  return db.delete(spamRules).where(and(eq(spamRules.kind, "name"), sql`${spamRules.subject} IN ${names}`, upTo(spamRules.updatedAtMs, beforeMs)));
}
