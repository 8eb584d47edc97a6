/**
 * Sustained mixed load against the local stack: CCIP lookups, registry writes with service API
 * keys (PUTs of each writer's own names, and PATCHes that race each other on shared names) and
 * relay submits, all at once for `BENCH_LOAD_SECONDS` (default 60). Afterwards it counts: every
 * acknowledged write must be readable with the value last written (for a patch: its own text key,
 * which the other patchers must not have clobbered), every accepted message must be picked up
 * exactly once. Prints throughput, p50 and p99 per operation; exits 1 on any error or loss.
 *
 * Usage: npm run bench -- mixed
 *   (BENCH_LOAD_SECONDS=60; BENCH_LOOKUP_CONNECTIONS=4, BENCH_WRITERS=2, BENCH_PATCHERS=2, BENCH_SENDERS=2)
 */
import { performance } from "node:perf_hooks";
import { encodeFunctionData, toHex } from "viem";
import { namehash, packetToBytes } from "viem/ens";
import { offchainResolverAbi, recordResolverAbi } from "../worker/src/abi";
import { buildEnvelope } from "../worker/src/protocol/dm3/buildEnvelope";
import { generateDm3Keys } from "../worker/src/protocol/dm3/keys";
import { withBenchStack } from "./lib/benchStack";
import { runLoad } from "./lib/load";
import { deliveryServiceKey, drainInbox, submitEnvelope } from "./lib/relayClient";
import { simulatedClientHeaders } from "./lib/simulatedClients";

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
const LOOKUP_CONNECTIONS = Number(process.env.BENCH_LOOKUP_CONNECTIONS ?? 4);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 2);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 2);
const PATCHERS = Number(process.env.BENCH_PATCHERS ?? 2);
/** Names every patcher patches (each its own text key), so patches race on the same rows. */
const SHARED_NAMES = 50;
const SEEDED_NAMES = 1_000;
/** Each writer owns this many names and rewrites them in turn (so updates, not only creates). */
const NAMES_PER_WRITER = 200;
/** Service API keys the writers rotate through: each stays under its per-key write limit. */
const API_KEYS = 16;
const MESSAGES_PER_SENDER_IP = 50;

type Latencies = number[];

export async function benchMixed(): Promise<void> {
  await withBenchStack(async (stack, registry) => {
    const domain = stack.info.domain;
    const base = stack.info.gatewayUrl;
    const names = Array.from({ length: SEEDED_NAMES }, (_, index) => ({
      name: `load${index}.${domain}`,
      owner: stack.info.signer,
      texts: { url: `https://load${index}.example` },
    }));
    await registry.bulkPut(domain, names);
    const sharedNames = Array.from({ length: SHARED_NAMES }, (_, index) => `shared${index}.${domain}`);
    await registry.bulkPut(
      domain,
      sharedNames.map((name) => ({ name, owner: stack.info.signer })),
    );
    const keys: string[] = [];
    for (let index = 0; index < API_KEYS; index++) {
      keys.push((await registry.createKey(domain, { label: `load ${index}` })).key);
    }
    const lookupPaths = names.map(({ name }) => {
      const inner = encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [namehash(name), "url"] });
      return `/ccip/${stack.info.resolver}/${encodeFunctionData({ abi: offchainResolverAbi, functionName: "resolve", args: [toHex(packetToBytes(name)), inner] })}.json`;
    });
    const recipient = stack.demoUsers[0]!;
    const dsKey = await deliveryServiceKey();
    const sender = generateDm3Keys();

    const deadline = performance.now() + SECONDS * 1000;
    const errors: string[] = [];
    const writeLatencies: Latencies = [];
    const patchLatencies: Latencies = [];
    /** "name|text key" → the value of the last acknowledged patch. */
    const lastPatched = new Map<string, string>();
    const submitLatencies: Latencies = [];
    /** name → the `seq` text of the last acknowledged write. */
    const lastWritten = new Map<string, string>();
    let submitted = 0;
    let writes = 0;

    const timed = async (latencies: Latencies, run: () => Promise<void>) => {
      const started = performance.now();
      await run();
      latencies.push(performance.now() - started);
    };

    /** One registry write with the next service key; records its latency, or the error. */
    const keyedWrite = async (method: "PUT" | "PATCH", name: string, body: unknown, latencies: Latencies): Promise<boolean> => {
      const key = keys[writes++ % keys.length]!;
      try {
        await timed(latencies, async () => {
          const response = await fetch(`${base}/v1/names/${name}`, {
            method,
            headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
            body: JSON.stringify(body),
          });
          if (response.status !== 200) throw new Error(`${method} ${name}: ${response.status} ${await response.text()}`);
          await response.arrayBuffer();
        });
        return true;
      } catch (error) {
        errors.push((error as Error).message);
        return false;
      }
    };

    const writer = async (writerIndex: number) => {
      for (let seq = 0; performance.now() < deadline; seq++) {
        const name = `w${writerIndex}-${seq % NAMES_PER_WRITER}.${domain}`;
        const body = { owner: stack.info.signer, texts: { seq: String(seq), url: `https://${writerIndex}.example/${seq}` } };
        if (await keyedWrite("PUT", name, body, writeLatencies)) lastWritten.set(name, String(seq));
      }
    };

    const patcher = async (patcherIndex: number) => {
      for (let seq = 0; performance.now() < deadline; seq++) {
        const name = sharedNames[seq % SHARED_NAMES]!;
        if (await keyedWrite("PATCH", name, { texts: { [`p${patcherIndex}`]: String(seq) } }, patchLatencies)) {
          lastPatched.set(`${name}|p${patcherIndex}`, String(seq));
        }
      }
    };

    const senderLoop = async (senderIndex: number) => {
      for (let count = 0; performance.now() < deadline; count++) {
        const envelope = buildEnvelope({
          message: {
            message: `load message ${senderIndex}/${count}`,
            metadata: { to: recipient.name, from: "load.demo.eth", timestamp: Date.now(), type: "NEW" },
          },
          to: recipient.name,
          from: "load.demo.eth",
          recipientEncryptionKey: recipient.dm3.encryption.publicKey,
          deliveryServiceEncryptionKey: dsKey,
          senderSigningKey: sender.signing.privateKey,
        });
        const clientIp = simulatedClientHeaders(senderIndex * 1_000_000 + Math.floor(count / MESSAGES_PER_SENDER_IP));
        try {
          await timed(submitLatencies, () => submitEnvelope(stack, envelope, clientIp));
          submitted++;
        } catch (error) {
          errors.push((error as Error).message);
        }
      }
    };

    let nextLookup = 0;
    const [lookups] = await Promise.all([
      runLoad(`${base}${lookupPaths[0]}`, LOOKUP_CONNECTIONS, SECONDS, () => lookupPaths[nextLookup++ % lookupPaths.length]!),
      ...Array.from({ length: WRITERS }, (_, index) => writer(index)),
      ...Array.from({ length: PATCHERS }, (_, index) => patcher(index)),
      ...Array.from({ length: SENDERS }, (_, index) => senderLoop(index)),
    ]);

    // Count what landed.
    let lostWrites = 0;
    const entries = [...lastWritten];
    for (let offset = 0; offset < entries.length; offset += 16) {
      await Promise.all(
        entries.slice(offset, offset + 16).map(async ([name, seq]) => {
          const response = await fetch(`${base}/v1/names/${name}`);
          const record = (await response.json()) as { texts?: Record<string, string> };
          if (response.status !== 200 || record.texts?.seq !== seq) lostWrites++;
        }),
      );
    }
    let lostPatches = 0;
    for (const name of sharedNames) {
      const { texts = {} } = (await (await fetch(`${base}/v1/names/${name}`)).json()) as { texts?: Record<string, string> };
      for (let index = 0; index < PATCHERS; index++) {
        const expected = lastPatched.get(`${name}|p${index}`);
        if (expected !== undefined && texts[`p${index}`] !== expected) lostPatches++;
      }
    }
    const inbox = await drainInbox(stack, recipient);
    const uniqueMessages = new Set(inbox.hashes).size;
    const lostMessages = submitted - uniqueMessages;

    console.log(
      `\nMixed load, ${SECONDS} s against wrangler dev (local D1): ${LOOKUP_CONNECTIONS} lookup connections, ${WRITERS} writers, ${PATCHERS} patchers, ${SENDERS} senders`,
    );
    console.log("  operation     count    per s    p50 ms   p99 ms   errors");
    const row = (label: string, count: number, p50: number, p99: number, errorCount: number) =>
      console.log(
        `  ${label.padEnd(12)} ${String(count).padStart(6)} ${(count / SECONDS).toFixed(1).padStart(8)} ${p50.toFixed(1).padStart(9)} ${p99.toFixed(1).padStart(8)} ${String(errorCount).padStart(8)}`,
      );
    row("lookup", lookups.requests, lookups.p50Ms, lookups.p99Ms, lookups.errors);
    row("write", writeLatencies.length, percentile(writeLatencies, 50), percentile(writeLatencies, 99), errors.filter((e) => e.startsWith("PUT")).length);
    row("patch", patchLatencies.length, percentile(patchLatencies, 50), percentile(patchLatencies, 99), errors.filter((e) => e.startsWith("PATCH")).length);
    row(
      "submit",
      submitLatencies.length,
      percentile(submitLatencies, 50),
      percentile(submitLatencies, 99),
      errors.filter((e) => e.startsWith("submit")).length,
    );
    console.log(
      `  after the run: ${lastWritten.size} names written, ${lostWrites} not as last acknowledged; ${lastPatched.size} patched keys on ${SHARED_NAMES} shared names, ${lostPatches} lost; ${submitted} messages accepted, ${uniqueMessages} picked up (${inbox.hashes.length - uniqueMessages} twice), ${lostMessages} lost`,
    );
    for (const error of errors.slice(0, 5)) console.log(`  error: ${error}`);
    if (errors.length + lookups.errors + lostWrites + lostPatches + lostMessages > 0 || inbox.hashes.length !== uniqueMessages) {
      process.exitCode = 1;
      console.log("  FAILED: errors or losses above");
    }
  });
}

function percentile(values: Latencies, p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
