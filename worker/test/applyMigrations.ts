import { applyD1Migrations, type D1Migration, env } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      /** Read from `migrations/` by vitest.config.ts. */
      TEST_MIGRATIONS: D1Migration[];
      /** Scales the property tests (worker/test/fuzz.test.ts); empty = default. */
      FUZZ_INPUTS: string;
      /** A second database for names (vitest.config.ts). */
      DB_2: D1Database;
    }
  }
}

// Setup files run before each test file; applyD1Migrations skips what is already applied.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await applyD1Migrations(env.DB_2, env.TEST_MIGRATIONS);
