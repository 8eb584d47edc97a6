// The worker's architecture, checked in `npm test` (suite "architecture"):
//   protocol/  the protocol core (ENS, CCIP, DM3 formats and crypto, EIP-712 name writes, webhook
//              signatures) — no HTTP, no hono, no storage, no features: what the SDK exports;
//   features   ccip/, registry/, relay/, health/, pages/, bridge/ — side by side, never importing one another;
//   shared/    what several features read (served domains, answer cache, DM3 profiles, DS record,
//              authorization middleware), and the small interfaces features receive (Clock, …);
//   settings/  the only reader of the worker's bindings (a source rule in test/architecture checks it);
//   db/        one queries file per table; a name's lifecycle (db/nameLifecycle.ts) is announced by the
//              registry's writes and answered by the features that keep data about names;
//   app/       the composition root: the only place that builds services for requests and crons, and
//              that wires features' lifecycle listeners.
const FEATURES = "^worker/src/(ccip|registry|relay|health|pages|bridge)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "feature-to-feature",
      comment: "A feature depends on shared modules below it, never on another feature's internals.",
      severity: "error",
      from: { path: "^worker/src/(ccip|registry|relay|health|pages|bridge)/", pathNot: "\\.test\\.ts$" },
      to: { path: FEATURES, pathNot: "^worker/src/$1/" },
    },
    {
      name: "protocol-is-pure",
      comment: "The protocol core knows nothing of HTTP, hono, storage, configuration or features.",
      severity: "error",
      from: { path: "^worker/src/protocol/" },
      to: {
        path: [
          "^worker/src/(http|db|app|shared|settings|ccip|registry|relay|health|pages|bridge)/",
          "^worker/src/index\\.ts$",
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
      comment: "Only the workers' entry points use the composition root: features receive narrow interfaces declared below them, never its types.",
      severity: "error",
      from: { path: "^worker/src/", pathNot: ["^worker/src/app/", "^worker/src/(index|lookupWorker)\\.ts$", "\\.test\\.ts$"] },
      to: { path: "^worker/src/app/" },
    },
    {
      name: "lifecycle-listeners-are-wired-at-the-root",
      comment: "A feature contributes to a name's lifecycle from its own folder (<feature>/nameLifecycle.ts); only the composition root imports it.",
      severity: "error",
      from: { path: "^worker/src/", pathNot: ["^worker/src/app/", "\\.test\\.ts$"] },
      to: { path: "^worker/src/[^/]+/nameLifecycle\\.ts$", pathNot: "^worker/src/db/" },
    },
    {
      name: "the-registry-announces-never-reacts",
      comment: "Name writes (the registry, db/name*) announce deletes and new owners; they never touch another feature's tables themselves.",
      severity: "error",
      from: { path: ["^worker/src/registry/", "^worker/src/db/name[A-Z][^/]*\\.ts$"], pathNot: "\\.test\\.ts$" },
      to: { path: "^worker/src/db/(messages|webhookDeliveries|spamRules|outboundMessages)\\.ts$" },
    },
    {
      name: "settings-at-the-bottom",
      comment: "Settings are read by everything above them and depend on none of it.",
      severity: "error",
      from: { path: "^worker/src/settings/" },
      to: { path: ["^worker/src/(app|db|ccip|registry|relay|health|pages|bridge)/", "^worker/src/shared/(?!relayWork\\.ts$)"] },
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
          "^worker/src/bridge/apiTypes\\.ts$",
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
