import path from "node:path";

/** The repository root (scripts/lib/ is two levels down). */
export const projectRoot = path.resolve(import.meta.dirname, "..", "..");

/** Local-stack state: logs, local D1, `stack.json` (git-ignored). */
export const devDir = path.join(projectRoot, ".dev");

/** What `npm start` started, for the CLI and for humans (`DM3_STACK_FILE` points the CLI at another stack's). */
export const stackFile = process.env.DM3_STACK_FILE ? path.resolve(process.env.DM3_STACK_FILE) : path.join(devDir, "stack.json");

/** A binary from `node_modules/.bin`. */
export const binPath = (name: string) => path.join(projectRoot, "node_modules", ".bin", name);

/** The local stack's demo users with their wallet and DM3 private keys (mode 0600), written by `npm start`. */
export const demoKeysFile = path.join(devDir, "demo-keys.json");
