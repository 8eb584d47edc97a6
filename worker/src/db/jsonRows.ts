import { sql } from "drizzle-orm";

// Many rows in one statement without D1's 100-bound-parameter limit: the rows travel as ONE JSON
// parameter and SQLite's `json_each` turns them back into rows (aliased `j`).

/** `json_each(?) AS j` over `rows` (arrays: read their fields with {@link jsonColumn}). */
export function jsonRows(rows: unknown[][]) {
  return sql`json_each(${JSON.stringify(rows)}) AS j`;
}

/** Field `index` of a {@link jsonRows} row. */
export function jsonColumn(index: number) {
  return sql.raw(`j.value ->> ${index}`);
}

/** `(SELECT value FROM json_each(?))`: a list of values, for `IN`. */
export function jsonList(values: unknown[]) {
  return sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;
}
