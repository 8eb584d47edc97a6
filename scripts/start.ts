/**
 * `npm start`: the whole local stack in one command. Ctrl-C stops everything it started; running
 * it again first stops whatever a previous run left behind.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { demoKeysFile, devDir, stackFile } from "./lib/paths";
import { writeDemoKeys } from "./stack/seedDemo";
import { isPortFree, stopProcessGroup } from "./stack/processes";
import { PLAYGROUND_DOMAIN } from "./stack/deployContracts";
import { type StackInfo, startStack } from "./stack/startStack";

const RPC_PORT = Number(process.env.RPC_PORT ?? 8545);
const WORKER_PORT = Number(process.env.WORKER_PORT ?? 8787);
const INSPECTOR_PORT = Number(process.env.INSPECTOR_PORT ?? 9239);
const log = (line: string) => console.error(`[stack] ${line}`);

async function stopPreviousRun(): Promise<void> {
  if (!existsSync(stackFile)) return;
  const previous = JSON.parse(await readFile(stackFile, "utf8")) as Partial<StackInfo>;
  for (const pid of Object.values(previous.pids ?? {})) await stopProcessGroup(pid);
}

async function main(): Promise<void> {
  await stopPreviousRun();
  for (const [what, port] of [
    ["RPC_PORT", RPC_PORT],
    ["WORKER_PORT", WORKER_PORT],
    ["INSPECTOR_PORT", INSPECTOR_PORT],
  ] as const) {
    if (!(await isPortFree(port))) {
      throw new Error(`Port ${port} (${what}) is in use on 127.0.0.1; stop what uses it or set ${what}=<port>`);
    }
  }
  const stack = await startStack({
    rpcPort: RPC_PORT,
    workerPort: WORKER_PORT,
    inspectorPort: INSPECTOR_PORT,
    stateDir: devDir,
    log,
  });
  await writeFile(stackFile, `${JSON.stringify(stack.info, null, 2)}\n`);
  await writeDemoKeys(demoKeysFile, stack.demoUsers);

  const alice = stack.info.names[0]?.name ?? "alice.demo.eth";
  console.log(`
Local dm3 registry is up.
  chain     ${stack.info.rpcUrl} (chain id ${stack.info.chainId})
  registry  ${stack.info.ensRegistry}
  resolver  ${stack.info.resolver} (resolver of ${stack.info.domain})
  gateway   ${stack.info.gatewayUrl}  (signer ${stack.info.signer})
  state     .dev/stack.json, logs in .dev/*.log, demo keys in .dev/demo-keys.json

Open ${stack.info.gatewayUrl}/name/${alice} in a browser: the name's records and DM3 profile,
checked on chain; ${stack.info.gatewayUrl}/docs is the API reference.

Try it (in another terminal):
  npm run cli -- resolve ${alice}
  npm run cli -- resolve ${alice} --text network.dm3.profile
  npm run cli -- resolve ${alice} --text description --addr 60 --contenthash
  curl ${stack.info.gatewayUrl}/health
  curl ${stack.info.gatewayUrl}/openapi.json
  npm run cli -- name list ${stack.info.domain}

Your own domain: ${PLAYGROUND_DOMAIN} belongs to Hardhat's account #1 on this chain (no resolver yet);
README's "Five minutes" walks through pointing it at the resolver, a user and a DM3 message each way.

DM3 relay: ds.${stack.info.domain} → ${stack.info.gatewayUrl} (dm3 clients use ${stack.info.gatewayUrl}/rpc, /auth/…, /delivery/…)
  It reads ENS from this chain: any name whose DM3 profile lists ds.${stack.info.domain} can receive here.
  Dev contracts: on-chain resolver (text + addr) ${stack.info.textResolver}, ERC-20 for spam rules ${stack.info.devToken}
  Email notifications are on: mails stay on this machine, listed at
  ${stack.info.gatewayUrl}/cdn-cgi/local/explorer/api/local/email/sending

Email bridge: any address that confirms gets a DM3 name under ${stack.info.bridge.domain}; mail to
  <ENS name>@${stack.info.bridge.mailDomain} reaches DM3 users. Opt in at ${stack.info.gatewayUrl}/bridge/email
  (the code arrives in the list above); inbound mail goes to ${stack.info.gatewayUrl}/cdn-cgi/handler/email
  (docs/bridges.md shows a whole round trip). npm run cli -- bridge status

Ctrl-C stops everything.`);

  let stopping = false;
  const shutdown = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    log("stopping");
    await stack.stop();
    await writeFile(stackFile, `${JSON.stringify({ ...stack.info, pids: {} }, null, 2)}\n`);
    process.exit(exitCode);
  };
  process.on("SIGINT", () => shutdown(0));
  process.on("SIGTERM", () => shutdown(0));
  void stack.exited.then((label) => {
    if (stopping) return;
    log(`${label} exited unexpectedly (see .dev/${label}.log); stopping the rest`);
    void shutdown(1);
  });
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
