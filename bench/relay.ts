/**
 * Relay benchmarks: DM3 crypto cost per message (Node, the same @noble code the worker runs), and
 * messages/s for submit, pickup and acknowledge against `wrangler dev` with its local D1.
 *
 * Then the relay in the DM3 network (bench/relayNetwork.ts): submits to recipients on chain (ENS
 * cache cold and warm), outbound deliveries between two local workers, CPU per message on each side.
 *
 * Usage: npm run bench -- relay   (BENCH_MESSAGES, default 1,000; BENCH_CONCURRENCY, default 8;
 *        BENCH_ONCHAIN_RECIPIENTS, default 40; BENCH_OUTBOUND_MESSAGES, default 200;
 *        BENCH_PROFILE=1: an unminified worker, the submits under V8's CPU profiler — see where
 *        the worker's time goes, not how fast it is)
 */
import { performance } from "node:perf_hooks";
import { hashMessage, sha256, stringToBytes } from "viem";
import { decryptAsymmetricAsync, encryptAsymmetricToStringAsync, parseEncryptedPayload, signDetachedAsync } from "../worker/src/protocol/dm3/asymmetric";
import { type Curves, nobleCurves, webCryptoCurves } from "../worker/src/protocol/dm3/curves";
import { buildEnvelope } from "../worker/src/protocol/dm3/buildEnvelope";
import { generateDm3Keys } from "../worker/src/protocol/dm3/keys";
import { stringify } from "../worker/src/protocol/dm3/stringify";
import path from "node:path";
import { projectRoot } from "../scripts/lib/paths";
import { withBenchStack } from "./lib/benchStack";
import { PROFILE, profileWorker } from "./lib/profileWorker";
import { benchRelayNetwork } from "./relayNetwork";
import { deliveryServiceKey, drainInbox, submitEnvelope } from "./lib/relayClient";
import { simulatedClientHeaders } from "./lib/simulatedClients";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const CRYPTO_ROUNDS = 500;

export async function benchRelay(): Promise<void> {
  await benchCrypto();
  await withBenchStack(async (stack, _registry, stateDir) => {
    const alice = stack.demoUsers[0]!;
    const dsKey = await deliveryServiceKey();
    const sender = generateDm3Keys();
    const envelopes = Array.from({ length: MESSAGES }, (_, index) =>
      buildEnvelope({
        message: { message: `benchmark message ${index}`, metadata: { to: alice.name, from: "bench.demo.eth", timestamp: Date.now(), type: "NEW" } },
        to: alice.name,
        from: "bench.demo.eth",
        recipientEncryptionKey: alice.dm3.encryption.publicKey,
        deliveryServiceEncryptionKey: dsKey,
        senderSigningKey: sender.signing.privateKey,
      }),
    );

    const submitAll = async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < envelopes.length) {
            const index = next++;
            // One simulated sender per 50 messages keeps each under the per-IP submit limit.
            await submitEnvelope(stack, envelopes[index]!, simulatedClientHeaders(Math.floor(index / 50)));
          }
        }),
      );
    };
    const submitSeconds = await timed(async () => {
      if (!PROFILE) return submitAll();
      await profileWorker({
        inspectorUrl: stack.info.inspectorUrl,
        file: path.join(projectRoot, "bench", "out", "relay-submit.cpuprofile"),
        work: async () => {
          await submitAll();
          return MESSAGES;
        },
      });
    });
    const { hashes, acknowledged, pickupSeconds, ackSeconds } = await drainInbox(stack, alice);
    const pickedUp = hashes.length;
    console.log(`\nRelay under wrangler dev (local D1), ${MESSAGES} messages of ~${stringify(envelopes[0]).length} bytes`);
    console.log(
      `  submit (c=${CONCURRENCY}):      ${(MESSAGES / submitSeconds).toFixed(0)} messages/s${PROFILE ? " (profiled and unminified: not a throughput figure)" : ""}`,
    );
    console.log(`  pickup (pages of ≤500): ${(pickedUp / pickupSeconds).toFixed(0)} messages/s (${pickedUp} picked up)`);
    console.log(`  acknowledge (batches):  ${(acknowledged / ackSeconds).toFixed(0)} messages/s (${acknowledged} deleted)`);
    if (pickedUp !== MESSAGES || acknowledged !== MESSAGES) throw new Error("messages were lost or left behind");
    await benchRelayNetwork(stack, stateDir);
  });
}

/** What one message costs in DM3 crypto, sender side and delivery-service side, on @noble and on the runtime's WebCrypto. */
async function benchCrypto(): Promise<void> {
  const recipient = generateDm3Keys();
  const ds = generateDm3Keys();
  const sender = generateDm3Keys();
  const envelope = () =>
    buildEnvelope({
      message: { message: "x".repeat(200) },
      to: "alice.demo.eth",
      from: "bob.demo.eth",
      recipientEncryptionKey: recipient.encryption.publicKey,
      deliveryServiceEncryptionKey: ds.encryption.publicKey,
      senderSigningKey: sender.signing.privateKey,
    });
  const sample = envelope();
  const buildMs = (timedSync(() => envelope(), CRYPTO_ROUNDS) / CRYPTO_ROUNDS) * 1000;
  // What the delivery service does per submit: open the delivery information, sign the postmark, encrypt it.
  const deliveryServiceWork = async (curves: Curves) => {
    await decryptAsymmetricAsync(ds.encryption, parseEncryptedPayload(sample.metadata.deliveryInformation), curves);
    const unsigned = { messageHash: hashMessage(stringify(sample.message)), incommingTimestamp: Date.now() };
    const signature = await signDetachedAsync(ds.signing.privateKey, sha256(stringToBytes(stringify(unsigned))), curves);
    await encryptAsymmetricToStringAsync(recipient.encryption.publicKey, stringify({ ...unsigned, signature }), curves);
  };
  const perMessageMs = async (curves: Curves) => {
    await deliveryServiceWork(curves);
    const started = performance.now();
    for (let index = 0; index < CRYPTO_ROUNDS; index++) await deliveryServiceWork(curves);
    return (performance.now() - started) / CRYPTO_ROUNDS;
  };
  const [nobleMs, nativeMs] = [await perMessageMs(nobleCurves), await perMessageMs(webCryptoCurves)];
  console.log("\nDM3 crypto per message (Node 22; the worker runs the same code, on workerd's WebCrypto)");
  console.log(`  sender: build envelope (2 × X25519+ChaCha20-Poly1305, Ed25519 sign, @noble): ${buildMs.toFixed(2)} ms`);
  console.log(`  delivery service: open delivery info + postmark (sign + encrypt): @noble ${nobleMs.toFixed(2)} ms, WebCrypto ${nativeMs.toFixed(2)} ms`);
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

function timedSync(run: () => void, rounds: number): number {
  const started = performance.now();
  for (let index = 0; index < rounds; index++) run();
  return (performance.now() - started) / 1000;
}
