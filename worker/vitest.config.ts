import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { buildWebAssets } from "../scripts/lib/buildWeb.ts";
import { TEST_DS_URL, TEST_SECRETS } from "./test/testSecrets.ts";

const root = path.resolve(import.meta.dirname, "..");

// Without a .dev.vars, wrangler looks for the required secrets in process.env; with one, the
// bindings below still win, so tests never run with a developer's local secrets.
Object.assign(process.env, TEST_SECRETS);

// Worker tests run inside workerd with a real (local) D1, migrated from `migrations/`; the pages'
// static assets (wrangler.toml [assets]) are built first.
export default defineConfig(async () => {
  await buildWebAssets();
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: path.join(root, "wrangler.toml") },
        miniflare: {
          bindings: {
            ...TEST_SECRETS,
            DS_URL: TEST_DS_URL,
            // Webhooks in tests are local HTTP servers (production refuses loopback).
            WEBHOOK_ALLOW_LOOPBACK: "true",
            TEST_MIGRATIONS: await readD1Migrations(path.join(root, "migrations")),
            FUZZ_INPUTS: process.env.FUZZ_INPUTS ?? "",
            // Notifications on (the send_email binding is wrangler.toml's, simulated locally).
            NOTIFY_FROM: "notifications@mail.test",
            // The email bridge on (its mail simulated like the notifications').
            BRIDGE_EMAIL_DOMAIN: "mail.demo.eth",
            BRIDGE_MAIL_DOMAIN: "bridge.test",
            // A second database for names (domains registered with `database: "DB_2"`).
            NAME_DATABASES: "DB_2",
          },
          // wrangler.toml's DB, and a second local D1 to spread domains over.
          d1Databases: { DB: "dm3-registry", DB_2: "dm3-registry-2" },
          // The suites write far more than a client may; the real limits are tested through the
          // tight TEST_LIMITER (worker/test/rateLimit.test.ts swaps it in).
          ratelimits: {
            ...Object.fromEntries(
              [
                "WRITES_PER_KEY_LIMITER",
                "WRITES_PER_IP_LIMITER",
                "SUBMITS_PER_IP_LIMITER",
                "AUTH_PER_IP_LIMITER",
                "CONFIRMATIONS_LIMITER",
                "BRIDGE_MAIL_LIMITER",
              ].map((name, index) => [name, { namespace_id: String(90_001 + index), simple: { limit: 1_000_000_000, period: 60 as const } }]),
            ),
            TEST_LIMITER: { namespace_id: "90000", simple: { limit: 3, period: 60 as const } },
          },
        },
      }),
    ],
    test: {
      root: import.meta.dirname,
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      setupFiles: ["./test/applyMigrations.ts"],
    },
  };
});
