/**
 * Gateway throughput and latency under `wrangler dev`: signed CCIP-Read answers for a ~500-byte
 * text record vs the static `GET /health`, at concurrency 1, 8 and 32, interleaved in one run so
 * every figure can be read as a ratio to the static route (this machine is noisy; ratios hold).
 * Load comes from autocannon (keep-alive connections) in this process.
 *
 * Usage: npm run bench -- gateway   (BENCH_SECONDS=5 per point by default)
 */
import { encodeFunctionData, toHex } from "viem";
import { namehash, packetToBytes } from "viem/ens";
import { offchainResolverAbi, recordResolverAbi } from "../worker/src/abi";
import { adminRequest, withBenchStack } from "./lib/benchStack";
import { runLoad } from "./lib/load";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = [1, 8, 32];
const RECORD_BYTES = 500;

export async function benchGateway(): Promise<void> {
  await withBenchStack(async (stack, adminToken) => {
    const name = "bench.demo.eth";
    await adminRequest(stack, adminToken, "PUT", `/v1/names/${name}`, { owner: stack.info.signer, texts: { bio: "x".repeat(RECORD_BYTES) } });
    const inner = encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [namehash(name), "bio"] });
    const callData = encodeFunctionData({ abi: offchainResolverAbi, functionName: "resolve", args: [toHex(packetToBytes(name)), inner] });
    const lookupUrl = `${stack.info.gatewayUrl}/ccip/${stack.info.resolver}/${callData}.json`;
    const healthUrl = `${stack.info.gatewayUrl}/health`;
    await runLoad(lookupUrl, 4, 1); // warm up both routes
    await runLoad(healthUrl, 4, 1);

    console.log(`\nGateway under wrangler dev, ${SECONDS}s per point, ${RECORD_BYTES}-byte text record (uncached: every answer signed)`);
    console.log("concurrency | route           |   req/s |  p50 ms |  p99 ms | errors | req/s vs health | p99 vs health");
    for (const concurrency of CONCURRENCY) {
      const health = await runLoad(healthUrl, concurrency, SECONDS);
      const lookup = await runLoad(lookupUrl, concurrency, SECONDS);
      for (const [route, result] of [["GET /health", health], ["CCIP text 500B", lookup]] as const) {
        console.log(
          [
            String(concurrency).padStart(11),
            route.padEnd(15),
            result.rps.toFixed(0).padStart(7),
            result.p50Ms.toFixed(1).padStart(7),
            result.p99Ms.toFixed(1).padStart(7),
            String(result.errors).padStart(6),
            `${((result.rps / health.rps) * 100).toFixed(0)}%`.padStart(15),
            `${(result.p99Ms / health.p99Ms).toFixed(2)}x`.padStart(13),
          ].join(" | "),
        );
      }
    }
  });
}
