/**
 * The relay as a member of the DM3 network, measured on the local stack: submits to recipients whose
 * profiles live on chain (the relay's ENS cache cold, then warm) beside submits to a name served here
 * (read from D1) in the same run, and outbound deliveries per second between two local workers,
 * with the CPU each side spends per message (the whole wrangler dev process tree, from /proc).
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createPublicClient, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import {
  buildEnvelope,
  createDeliveryServiceSession,
  createDm3Message,
  createDm3Profile,
  createRegistryClient,
  type Dm3Envelope,
  type Dm3Keys,
  type EnsReader,
  prepareOutboundMessage,
  type RegistryClient,
} from "../sdk/src/index";
import { createOnChainDm3User } from "../scripts/stack/onChainName";
import { findFreePort } from "../scripts/stack/processes";
import { startPeerRelay } from "../scripts/stack/startPeerRelay";
import type { Stack } from "../scripts/stack/startStack";
import { processTreeCpuSeconds } from "./lib/processCpu";
import { measureSeries, printSeries } from "./lib/series";
import { deliveryServiceKey, submitEnvelope } from "./lib/relayClient";
import { simulatedClientHeaders } from "./lib/simulatedClients";

const ON_CHAIN_RECIPIENTS = Number(process.env.BENCH_ONCHAIN_RECIPIENTS ?? 40);
const OUTBOUND_MESSAGES = Number(process.env.BENCH_OUTBOUND_MESSAGES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

export async function benchRelayNetwork(stack: Stack, stateDir: string): Promise<void> {
  const ens: EnsReader = { client: createPublicClient({ chain: hardhat, transport: http(stack.info.rpcUrl) }), registry: stack.info.ensRegistry };
  const dsKey = await deliveryServiceKey();
  const alice = stack.demoUsers[0]!;
  const sender = { name: alice.name, signingKey: alice.dm3.signing.privateKey };

  console.log(`\nRelay and ENS: ${ON_CHAIN_RECIPIENTS} recipients whose profiles live fully on chain (dev TextAddrResolver), c=${CONCURRENCY}`);
  const recipients: { name: string; keys: Dm3Keys }[] = [];
  for (let index = 0; index < ON_CHAIN_RECIPIENTS; index++) {
    recipients.push(await createOnChainDm3User(stack.info, `bench${index}.eth`, { deliveryServices: ["ds.demo.eth"] }));
  }
  const envelopeFor = (to: { name: string; keys: Dm3Keys }, text: string): Dm3Envelope =>
    buildEnvelope({
      message: createDm3Message({ from: sender.name, to: to.name, text, senderSigningKey: sender.signingKey }),
      to: to.name,
      from: sender.name,
      recipientEncryptionKey: to.keys.encryption.publicKey,
      deliveryServiceEncryptionKey: dsKey,
      senderSigningKey: sender.signingKey,
    });
  const workerPid = stack.info.pids.worker;
  const submitAll = (label: string, envelopes: Dm3Envelope[], client: number) =>
    measureSeries(label, workerPid, CONCURRENCY, envelopes.length, (index) =>
      submitEnvelope(stack, envelopes[index] as Dm3Envelope, simulatedClientHeaders(client + Math.floor(index / 50))),
    );
  const servedHere = { name: alice.name, keys: alice.dm3 };
  const series = [
    await submitAll(
      "served here (D1)",
      recipients.map((_, index) => envelopeFor(servedHere, `d1 ${index}`)),
      9_000,
    ),
    await submitAll(
      "on chain, cache cold",
      recipients.map((recipient) => envelopeFor(recipient, "cold")),
      9_100,
    ),
    await submitAll(
      "on chain, cache warm",
      recipients.map((recipient) => envelopeFor(recipient, "warm")),
      9_200,
    ),
  ];
  printSeries(series);

  const peer = await startPeerRelay({
    rpcUrl: stack.info.rpcUrl,
    ensRegistry: stack.info.ensRegistry,
    domain: "peer.eth",
    dsName: "ds.peer.eth",
    port: await findFreePort(),
    inspectorPort: await findFreePort(),
    stateDir: path.join(stateDir, "peer"),
  });
  try {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const bea = { name: "bea.peer.eth", ...(await createDm3Profile(wallet, { deliveryServices: [peer.dsName] })) };
    await createRegistryClient({ url: peer.url, credential: peer.adminToken }).putName(bea.name, { owner: wallet.address, dm3Profile: bea.signedUserProfile });
    const { adminToken } = await (await import("../scripts/stack/devVars")).ensureDevSecrets(stack.info.secretsFile);
    const relayA = createRegistryClient({ url: stack.info.gatewayUrl, credential: adminToken });
    const prepared: Awaited<ReturnType<typeof prepareOutboundMessage>>[] = [];
    for (let index = 0; index < OUTBOUND_MESSAGES; index++) {
      const message = createDm3Message({ from: sender.name, to: bea.name, text: `outbound ${index}`, senderSigningKey: sender.signingKey });
      prepared.push(await prepareOutboundMessage({ ens, message, senderSigningKey: sender.signingKey }));
    }
    const cpuA = processTreeCpuSeconds(workerPid);
    const cpuB = processTreeCpuSeconds(peer.pid() as number);
    const started = performance.now();
    const handed = await measureSeries("hand to A (POST outbound)", workerPid, CONCURRENCY, prepared.length, async (index) => {
      await relayA.sendOutbound(stack.info.domain, prepared[index] as (typeof prepared)[number]);
    });
    await waitUntilDelivered(relayA, stack.info.domain, OUTBOUND_MESSAGES);
    const seconds = (performance.now() - started) / 1000;
    const usedA = processTreeCpuSeconds(workerPid) - cpuA;
    const usedB = processTreeCpuSeconds(peer.pid() as number) - cpuB;
    const inbox = await createDeliveryServiceSession({ url: peer.url, name: bea.name, signingKey: bea.keys.signing.privateKey });
    let received = 0;
    for (let page = await inbox.pickUp(); page.length > 0; page = await inbox.pickUp()) {
      received += page.length;
      await inbox.acknowledge(page);
    }
    console.log(`\nOutbound between two local workers (A → B, both wrangler dev, ${OUTBOUND_MESSAGES} messages handed to A at c=${CONCURRENCY})`);
    printSeries([handed]);
    console.log(`  delivered end to end (POST to A … accepted by B): ${(OUTBOUND_MESSAGES / seconds).toFixed(0)} messages/s`);
    console.log(
      `  CPU per message: A (outbound route + delivery) ${((usedA / OUTBOUND_MESSAGES) * 1000).toFixed(2)} ms, B (submit) ${((usedB / OUTBOUND_MESSAGES) * 1000).toFixed(2)} ms`,
    );
    if (received !== OUTBOUND_MESSAGES) throw new Error(`B received ${received} of ${OUTBOUND_MESSAGES} messages`);
  } finally {
    await peer.stop();
  }
}

async function waitUntilDelivered(relay: RegistryClient, domain: string, expected: number): Promise<void> {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    const pending = await relay.listOutbound(domain, { status: "pending", limit: 1 });
    const failed = await relay.listOutbound(domain, { status: "failed", limit: 1 });
    if (failed.items.length > 0) throw new Error(`an outbound message failed: ${failed.items[0]?.lastError}`);
    if (pending.items.length === 0) {
      let delivered = 0;
      for (let page = await relay.listOutbound(domain, { status: "delivered", limit: 100 }); ; ) {
        delivered += page.items.length;
        if (!page.nextCursor) break;
        page = await relay.listOutbound(domain, { status: "delivered", limit: 100, cursor: page.nextCursor });
      }
      if (delivered >= expected) return;
    }
    if (Date.now() > deadline) throw new Error("outbound messages still pending after 5 minutes");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
