import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_SECRETS } from "./test/testSecrets.ts";

const root = path.resolve(import.meta.dirname, "..");

// Without a .dev.vars, wrangler looks for the required secrets in process.env; with one, the
// bindings below still win, so tests never run with a developer's local secrets.
Object.assign(process.env, TEST_SECRETS);

// Worker tests run inside workerd with a real (local) D1, migrated from `migrations/`.
export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: path.join(root, "wrangler.toml") },
      miniflare: {
        bindings: {
          ...TEST_SECRETS,
          TEST_MIGRATIONS: await readD1Migrations(path.join(root, "migrations")),
          FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
        },
      },
    }),
  ],
  test: {
    root: import.meta.dirname,
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    setupFiles: ["./test/applyMigrations.ts"],
  },
}));
