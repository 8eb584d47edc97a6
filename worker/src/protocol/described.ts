import * as z from "zod/mini";

/** What a schema says about itself in `/openapi.json` (JSON Schema's annotation keywords). */
export type SchemaDescription = { title?: string; description?: string; example?: unknown };

/**
 * A clone of `schema` registered with `description` in zod's global registry, where
 * `z.toJSONSchema` reads annotations: zod/mini's form of classic zod's `.meta()`. A clone, so one
 * schema can be described differently where it is reused.
 */
export function described<Schema extends z.ZodMiniType>(schema: Schema, description: SchemaDescription): Schema {
  const copy = schema.clone();
  z.globalRegistry.add(copy, description);
  return copy;
}
