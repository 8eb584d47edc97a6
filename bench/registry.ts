/**
 * Registry benchmarks against `wrangler dev`:
 *  1. bulk import throughput (names/s) through `POST /v1/domains/{d}/names/bulk`, 1,000 per request;
 *  2. gateway lookup latency with 1k, 100k and 1M registered names (should stay flat: the lookup
 *     is one primary-key read), every request a different call (another text key of the measured
 *     name), so none is answered from a cache. Filler rows are generated inside SQLite
 *     (`wrangler d1 execute`), the measured name is registered through the API;
 *  3. the database's size at each point (SQLite's page counts): bytes per name, names per 10 GB D1.
 *
 * Usage: npm run bench -- registry   (BENCH_SECONDS per point, default 5; BENCH_MAX_NAMES caps the scale)
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { encodeFunctionData, toHex } from "viem";
import { namehash, packetToBytes } from "viem/ens";
import { offchainResolverAbi, recordResolverAbi } from "../worker/src/abi";
import { withBenchStack } from "./lib/benchStack";
import { measureDatabaseSize } from "./lib/databaseSize";
import { fillNames } from "./lib/fillNames";
import { runLoad } from "./lib/load";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const MAX_NAMES = Number(process.env.BENCH_MAX_NAMES ?? 1_000_000);
const BULK_NAMES = 10_000;
const BULK_BATCH = 1_000;
const OWNER = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";

export async function benchRegistry(): Promise<void> {
  await withBenchStack(async (stack, registry, stateDir) => {
    const domain = "scale.eth";
    await registry.putDomain(domain, { resolverAddress: stack.info.resolver, chainId: stack.info.chainId });

    // 1. Lookup latency as the registry grows.
    const name = `measured.${domain}`;
    await registry.putName(name, { owner: OWNER, texts: { url: "https://measured.example" } });
    // Every request another text key of the measured name: different call data each time, so no
    // answer is ever served from a cache (a lookup is cached from its second sighting) — each one is
    // a D1 read against tables that hold `target` names, and a signature.
    const node = namehash(name);
    const dnsName = toHex(packetToBytes(name));
    let lookups = 0;
    const nextLookup = () => {
      const inner = encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [node, `key${lookups++}`] });
      const callData = encodeFunctionData({ abi: offchainResolverAbi, functionName: "resolve", args: [dnsName, inner] });
      return `/ccip/${stack.info.resolver}/${callData}.json`;
    };
    const lookupUrl = stack.info.gatewayUrl;
    const d1Dir = path.join(stateDir, "d1");

    console.log("\nGateway lookup latency vs registered names (text record, signed, uncached) and the database's size");
    console.log("     names | c=1 req/s | c=1 p50 ms | c=1 p99 ms | c=8 req/s | c=8 p99 ms | errors |   D1 MB | bytes/name");
    let filled = 1;
    const empty = await measureDatabaseSize(d1Dir);
    let size = empty;
    for (const target of [1_000, 100_000, 1_000_000].filter((count) => count <= MAX_NAMES)) {
      if (target > filled) {
        await fillNames(d1Dir, domain, filled, target);
        filled = target;
      }
      size = await measureDatabaseSize(d1Dir);
      await runLoad(lookupUrl, 2, 1, nextLookup);
      const single = await runLoad(lookupUrl, 1, SECONDS, nextLookup);
      const eight = await runLoad(lookupUrl, 8, SECONDS, nextLookup);
      console.log(
        [
          String(target).padStart(10),
          single.rps.toFixed(0).padStart(9),
          single.p50Ms.toFixed(1).padStart(10),
          single.p99Ms.toFixed(1).padStart(10),
          eight.rps.toFixed(0).padStart(9),
          eight.p99Ms.toFixed(1).padStart(10),
          String(single.errors + eight.errors).padStart(6),
          (size.bytes / 1e6).toFixed(1).padStart(7),
          ((size.bytes - empty.bytes) / target).toFixed(0).padStart(10),
        ].join(" | "),
      );
    }
    const perName = (size.bytes - empty.bytes) / filled;
    console.log(
      `\nAt ${filled.toLocaleString("en")} names: ${perName.toFixed(0)} bytes per name (a 352-byte signed DM3 profile, an ETH address, the owner's indexes, its change-feed row)` +
        ` → one D1 (10 GB) holds about ${(10e9 / perName / 1e6).toFixed(1)} million such names. Largest tables and indexes:`,
    );
    for (const entry of size.byObject.slice(0, 8)) console.log(`  ${entry.name.padEnd(40)} ${(entry.bytes / 1e6).toFixed(1).padStart(8)} MB`);

    // 2. Bulk import (into the registry that now holds the filler names).
    const started = performance.now();
    for (let offset = 0; offset < BULK_NAMES; offset += BULK_BATCH) {
      const names = Array.from({ length: BULK_BATCH }, (_, index) => ({
        name: `bulk${offset + index}.${domain}`,
        owner: OWNER,
        texts: { url: `https://user${offset + index}.example`, description: "imported by the bulk benchmark" },
      }));
      const result = await registry.bulkPut(domain, names);
      if (result.failed > 0) throw new Error(`bulk import: ${result.failed} failures`);
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `\nBulk import under wrangler dev: ${BULK_NAMES} names (2 text records each) in ${seconds.toFixed(1)} s = ${(BULK_NAMES / seconds).toFixed(0)} names/s`,
    );
  });
}
