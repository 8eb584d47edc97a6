import type { SQL } from "drizzle-orm";
import type { Database, Statement } from "./client";

/**
 * What the registry announces about a name to the features that keep data about it (the relay's
 * messages and rules today, the email bridge's virtual users next). Each feature contributes its
 * own statements from its own folder; they join the registry's D1 batch, so the name's change and
 * every feature's reaction commit together or not at all. `names` is SQL for a parenthesized list
 * or subquery of names (use it as `column IN ${names}`), evaluated inside the batch.
 */
export type NameLifecycleListener = {
  /** Statements that run before the names are deleted. */
  namesDeleted(db: Database, names: SQL): Statement[];
  /** Statements that run before the names get a new owner (`names` yields only names whose owner changes). */
  ownersChanged(db: Database, names: SQL): Statement[];
};

/** Every listener of a deployment, wired by the composition root. */
export type NameLifecycle = readonly NameLifecycleListener[];

/** The listeners' statements for deleting `names`. */
export function namesDeletedStatements(lifecycle: NameLifecycle, db: Database, names: SQL): Statement[] {
  return lifecycle.flatMap((listener) => listener.namesDeleted(db, names));
}

/** The listeners' statements for `names` changing owner. */
export function ownersChangedStatements(lifecycle: NameLifecycle, db: Database, names: SQL): Statement[] {
  return lifecycle.flatMap((listener) => listener.ownersChanged(db, names));
}
