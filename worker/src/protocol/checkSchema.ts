import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

// zod/mini ships without messages ("Invalid input" for everything); the English locale gives
// classic zod's ("Too small: expected string to have >=1 characters"), so a 400 says what is wrong.
z.config(en());

/** What {@link checkSchema} found: the parsed value, or the first problem and where it is. */
export type SchemaCheck<Schema extends z.ZodMiniType> = { ok: true; data: z.output<Schema> } | { ok: false; path: string; message: string };

/**
 * `value` parsed with `schema` (zod/mini: the bundle keeps only the checks it uses), or its first
 * issue: the dotted path ("" for the value itself) and zod's English message.
 */
export function checkSchema<Schema extends z.ZodMiniType>(schema: Schema, value: unknown): SchemaCheck<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  const issue = result.error.issues[0];
  return { ok: false, path: issue?.path.join(".") ?? "", message: issue?.message ?? "invalid" };
}
