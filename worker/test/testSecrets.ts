/**
 * Secrets the worker runs with in tests (vitest.config.ts passes them to wrangler). The signer is
 * Hardhat's well-known account #1: public, never a real key.
 */
export const TEST_SECRETS = {
  SIGNER_PRIVATE_KEY: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  ADMIN_TOKEN: "test-admin-token",
  // Delivery-service keys from fixed seeds (7…7 and 9…9): tests only.
  DS_SIGNING_KEY: "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwfqSmxj4pxSCr71UHsTLsX5lUd2rr6+e5JCHuppFEbSLA==",
  DS_ENCRYPTION_KEY: "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=",
  BRIDGE_SECRET: "test-bridge-secret-never-a-real-one-0123456789",
} as const;

/** The relay's public URL in tests (wrangler.toml leaves DS_URL for the deployment to set). */
export const TEST_DS_URL = "https://relay.test";
