import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import * as schema from "./schema";

/** The drizzle handle every query function takes. */
export type Database = DrizzleD1Database<typeof schema>;

/** Wraps a D1 binding in drizzle with our schema. */
export function createDatabase(d1: D1Database): Database {
  return drizzle(d1, { schema });
}
