import { expect } from "vitest";
import type { ChangesPage, ChangeView, NameView } from "../src/registry/apiTypes";
import { call } from "./fixtures";

/** One page of the change feed (`query` as in the URL); fails the test unless 200. */
export async function page(query: string): Promise<ChangesPage> {
  const response = await call(`/v1/changes?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ChangesPage;
}

/** Every change of `domain` from the beginning, one page of `limit` at a time; the final cursor. */
export async function follow(domain: string, limit: number, after?: string): Promise<{ changes: ChangeView[]; cursor: string }> {
  const changes: ChangeView[] = [];
  let cursor = after;
  for (;;) {
    const next = await page(`domain=${domain}&limit=${limit}${cursor ? `&after=${cursor}` : ""}`);
    changes.push(...next.changes);
    cursor = next.cursor;
    if (!next.more) return { changes, cursor };
  }
}

/** What an indexer rebuilds from the feed: the last put of each name not deleted since. */
export function rebuild(changes: ChangeView[]): Map<string, NameView> {
  const state = new Map<string, NameView>();
  for (const change of changes) {
    if (change.kind === "delete") state.delete(change.name);
    else {
      const { kind: _kind, cursor: _cursor, atSeconds: _at, ...view } = change;
      state.set(change.name, view);
    }
  }
  return state;
}
