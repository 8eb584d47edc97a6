import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import type { Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { deployContracts } from "./deployContracts";
import { DEV_VARS_FILE, ensureDevSecrets } from "./devVars";
import { copyWorkerConfig, WRANGLER_CONFIG } from "./workerConfig";
import { stopProcessGroup } from "./processes";
import { type DemoUser, seedDemo } from "./seedDemo";
import { startHardhatNode } from "./startHardhatNode";
import { migrateLocalD1, startWorker } from "./startWorker";

/** What a running local stack is made of (written to `.dev/stack.json`). */
/** The sender of the local stack's notification mails (wrangler dev only lists them; none leaves the machine). */
export const LOCAL_NOTIFY_FROM = "notifications@demo.test";
/** The local email bridge's mail domain (wrangler dev simulates Email Routing and Email Service for it). */
export const LOCAL_BRIDGE_MAIL_DOMAIN = "bridge.demo.test";

export type StackInfo = {
  chainId: number;
  rpcUrl: string;
  ensRegistry: Address;
  resolver: Address;
  /** Dev contracts: a minimal on-chain resolver (names fully on chain) and an ERC-20 (spam rules). */
  textResolver: Address;
  devToken: Address;
  /** Dev stand-in for ENS's UniversalResolver (`findResolver`), set as the worker's ENS_UNIVERSAL_RESOLVER. */
  universalResolver: Address;
  gatewayUrl: string;
  signer: Address;
  /** The worker's config and the secrets file next to it (key rotation rewrites the one and touches the other). */
  configFile: string;
  secretsFile: string;
  /** The local D1's state directory (`wrangler dev --persist-to`): what `backup` reads by default. */
  d1Dir: string;
  domain: string;
  /** The email bridge's ENS domain (`mail.<domain>`) and mail domain. */
  bridge: { domain: string; mailDomain: string };
  names: { name: string; address: Address }[];
  pids: { hardhat: number; worker: number };
  /** wrangler's DevTools endpoint for the worker (`/json` lists it): CPU profiles, breakpoints. */
  inspectorUrl: string;
};

export type Stack = {
  info: StackInfo;
  demoUsers: DemoUser[];
  /** Settles with the name of the first child (`hardhat` or `worker`) that exits on its own. */
  exited: Promise<string>;
  stop: () => Promise<void>;
};

export type StackOptions = {
  rpcPort: number;
  workerPort: number;
  inspectorPort: number;
  /** Logs and the local D1 go here; the D1 is recreated on every start, like the chain. */
  stateDir: string;
  domain?: string;
  /**
   * Run the worker from its own copy of wrangler.toml in this directory, with its own secrets
   * (`<dir>/.dev.vars`), instead of the project's (tests that change secrets use this).
   */
  workerDir?: string;
  /** Overrides of wrangler.toml `[vars]`, e.g. a short SIGNATURE_TTL_SECONDS. */
  vars?: Record<string, string>;
  /** Build the worker unminified (readable CPU profiles); wrangler.toml minifies. */
  unminified?: boolean;
  log?: (line: string) => void;
};

/**
 * Brings up the whole local stack: Hardhat node, registry + resolver (signer = the worker's key,
 * URL = the local worker), `wrangler dev` on a freshly migrated local D1, demo data. On failure
 * it stops what it had started.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? (() => {});
  const domain = options.domain ?? "demo.eth";
  const bridge = { domain: `mail.${domain}`, mailDomain: LOCAL_BRIDGE_MAIL_DOMAIN };
  const d1Dir = path.join(options.stateDir, "d1");
  await mkdir(options.stateDir, { recursive: true });
  await rm(d1Dir, { recursive: true, force: true });

  // wrangler dev reads the same secrets from .dev.vars.
  const configFile = options.workerDir ? await copyWorkerConfig(options.workerDir) : WRANGLER_CONFIG;
  const secretsFile = options.workerDir ? path.join(options.workerDir, ".dev.vars") : DEV_VARS_FILE;
  const secrets = await ensureDevSecrets(secretsFile);
  const started: number[] = [];
  const stop = async () => {
    await Promise.all(started.map((pid) => stopProcessGroup(pid)));
  };
  try {
    log(`starting Hardhat node on 127.0.0.1:${options.rpcPort}`);
    const node = await startHardhatNode({ port: options.rpcPort, logFile: path.join(options.stateDir, "hardhat.log") });
    started.push(node.child.pid as number);

    const gatewayUrl = `http://127.0.0.1:${options.workerPort}`;
    const signer = privateKeyToAccount(secrets.signerPrivateKey).address;
    log("deploying ENS registry and OffchainResolver");
    const contracts = await deployContracts({
      rpcUrl: node.rpcUrl,
      gatewayUrl: `${gatewayUrl}/ccip/{sender}/{data}.json`,
      signer,
      domain,
    });

    log("migrating the local D1 and starting wrangler dev");
    await migrateLocalD1(d1Dir);
    const worker = await startWorker({
      port: options.workerPort,
      inspectorPort: options.inspectorPort,
      stateDir: d1Dir,
      logFile: path.join(options.stateDir, "worker.log"),
      configFile,
      ...(options.unminified && { unminified: true }),
      // The relay's public URL is configuration, never a request's Host (wrangler.toml leaves it empty).
      // Webhooks on the local stack are local servers; deployments refuse loopback targets.
      // The worker reads ENS (names it does not serve, spam rules) from the local chain, and name
      // pages check names on it from the browser.
      vars: {
        DS_URL: gatewayUrl,
        WEBHOOK_ALLOW_LOOPBACK: "true",
        L1_RPC_URL: node.rpcUrl,
        PUBLIC_RPC_URL: node.rpcUrl,
        ENS_REGISTRY: contracts.ensRegistry,
        ENS_UNIVERSAL_RESOLVER: contracts.universalResolver,
        // Notifications on: wrangler dev's Email Service simulation keeps every mail on this machine.
        NOTIFY_FROM: LOCAL_NOTIFY_FROM,
        // The email bridge on, under mail.<domain> (registered below like any domain).
        BRIDGE_EMAIL_DOMAIN: bridge.domain,
        BRIDGE_MAIL_DOMAIN: bridge.mailDomain,
        ...options.vars,
      },
    });
    started.push(worker.child.pid as number);

    log("registering demo data");
    const demoUsers = await seedDemo({
      gatewayUrl,
      adminToken: secrets.adminToken,
      domain,
      bridgeDomain: bridge.domain,
      resolver: contracts.resolver,
      chainId: contracts.chainId,
    });
    const info: StackInfo = {
      chainId: contracts.chainId,
      rpcUrl: node.rpcUrl,
      ensRegistry: contracts.ensRegistry,
      resolver: contracts.resolver,
      textResolver: contracts.textResolver,
      devToken: contracts.devToken,
      universalResolver: contracts.universalResolver,
      gatewayUrl,
      signer,
      configFile,
      secretsFile,
      d1Dir,
      domain,
      bridge,
      names: demoUsers.map(({ name, address }) => ({ name, address })),
      pids: { hardhat: node.child.pid as number, worker: worker.child.pid as number },
      inspectorUrl: `http://127.0.0.1:${options.inspectorPort}`,
    };
    const exited = Promise.race(
      (
        [
          ["hardhat", node.child],
          ["worker", worker.child],
        ] as const
      ).map(([label, child]) => new Promise<string>((resolve) => child.once("exit", () => resolve(label)))),
    );
    return { info, demoUsers, exited, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
