// The worker's architecture, checked in `npm test` (suite "architecture"):
//   protocol/  the protocol core (ENS, CCIP, DM3 formats and crypto, EIP-712 name writes, webhook
//              signatures) — no HTTP, no hono, no storage, no features: what the SDK exports;
//   features   ccip/, registry/, relay/, health/ — side by side, never importing one another;
//   shared/    what several features read (served domains, answer cache, DM3 profiles, DS record);
//   app/       the composition root: the only place that builds services for requests and crons.
const FEATURES = "^worker/src/(ccip|registry|relay|health|pages)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "feature-to-feature",
      comment: "A feature depends on shared modules below it, never on another feature's internals.",
      severity: "error",
      from: { path: "^worker/src/(ccip|registry|relay|health|pages)/[^/]+$", pathNot: "\\.test\\.ts$" },
      to: { path: FEATURES, pathNot: "^worker/src/$1/" },
    },
    {
      name: "protocol-is-pure",
      comment: "The protocol core knows nothing of HTTP, hono, storage, configuration or features.",
      severity: "error",
      from: { path: "^worker/src/protocol/" },
      to: {
        path: [
          "^worker/src/(http|db|app|shared|ccip|registry|relay|health|pages)/",
          "^worker/src/(env|relayConfig|index)\\.ts$",
          "node_modules/hono/",
          "node_modules/drizzle-orm/",
        ],
      },
    },
    {
      name: "shared-below-features",
      comment: "Shared modules, storage and HTTP helpers sit below the features and the composition root.",
      severity: "error",
      from: { path: "^worker/src/(shared|db|http|net)/", pathNot: "\\.test\\.ts$" },
      to: { path: [FEATURES, "^worker/src/app/"] },
    },
    {
      name: "composition-root-only-at-the-top",
      comment: "Only route assembly and features use the composition root (types from it are fine anywhere above shared/).",
      severity: "error",
      from: { path: "^worker/src/", pathNot: ["^worker/src/(app|ccip|registry|relay|health|pages)/", "^worker/src/index\\.ts$", "\\.test\\.ts$"] },
      to: { path: "^worker/src/app/" },
    },
    {
      name: "sdk-builds-on-the-protocol-core",
      comment: "The SDK (sdk/src) re-uses the worker's protocol core and answer types, nothing of the worker's runtime.",
      severity: "error",
      from: { path: "^sdk/src/" },
      to: {
        path: "^worker/src/",
        pathNot: [
          "^worker/src/protocol/",
          "^worker/src/abi\\.ts$",
          "^worker/src/registry/(apiTypes|schemas|limits)\\.ts$",
          "^worker/src/relay/apiTypes\\.ts$",
          "^worker/src/health/HealthReport\\.ts$",
        ],
      },
    },
    {
      name: "sdk-runs-everywhere",
      comment: "No Node-only APIs in the SDK (or the protocol core it bundles): it runs in browsers, Workers and Node.",
      severity: "error",
      from: { path: ["^sdk/src/", "^worker/src/protocol/"] },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "no-circular",
      severity: "error",
      from: { path: "^worker/src/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "worker-configuration\\.d\\.ts$" },
  },
};
