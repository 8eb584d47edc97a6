import { defineCommand } from "citty";
import { createPublicClient, http, zeroAddress } from "viem";
import { type RecordRequest, resolveRecord } from "../../worker/src/protocol/ens/resolveRecord";
import { resolveTarget } from "../lib/stackConfig";
import { UsageError } from "../lib/cliErrors";

/** `resolve <name>`: looks records up exactly as an ENS client does (registry walk + CCIP-Read). */
export default defineCommand({
  meta: {
    name: "resolve",
    description: "Resolve a name's records through the chain, the resolver contract and the gateway (EIP-3668)",
  },
  args: {
    name: { type: "positional", description: "ENS name, e.g. alice.demo.eth", required: true },
    text: { type: "string", description: "Text record key, e.g. network.dm3.profile" },
    addr: { type: "string", description: "Address by coin type (60 = ETH, 2147483658 = Optimism)" },
    contenthash: { type: "boolean", description: "The contenthash record" },
    rpc: { type: "string", description: "JSON-RPC URL (default: .dev/stack.json, or $RPC_URL)" },
    registry: { type: "string", description: "ENS registry address (default: .dev/stack.json, or $ENS_REGISTRY)" },
    json: { type: "boolean", description: "Print one JSON object to stdout" },
  },
  async run({ args }) {
    const target = resolveTarget({ rpc: args.rpc, registry: args.registry });
    const client = createPublicClient({ transport: http(target.rpcUrl, { retryCount: 0 }) });
    await client.getChainId().catch((cause: unknown) => {
      throw new Error(
        `cannot reach the chain's JSON-RPC at ${target.rpcUrl} (${(cause as { shortMessage?: string }).shortMessage ?? String(cause)}): ` +
          "start the local stack with `npm start`, or pass --rpc / $RPC_URL",
        { cause },
      );
    });
    const requests: [string, RecordRequest][] = [];
    if (args.text !== undefined) requests.push([`text:${args.text}`, { kind: "text", key: args.text }]);
    if (args.addr !== undefined) {
      if (!/^\d+$/.test(args.addr)) throw new UsageError(`--addr takes a coin type number, not "${args.addr}"`);
      requests.push([`addr:${args.addr}`, { kind: "addr", coinType: BigInt(args.addr) }]);
    }
    if (args.contenthash) requests.push(["contenthash", { kind: "contenthash" }]);
    if (requests.length === 0) requests.push(["addr", { kind: "addr" }]);

    const records: Record<string, string> = {};
    for (const [label, request] of requests) records[label] = await resolveRecord(client, target.ensRegistry, args.name, request);
    if (args.json) {
      console.log(JSON.stringify({ name: args.name, records }));
    } else {
      for (const [label, value] of Object.entries(records)) console.log(`${label}\t${isUnset(value) ? "(unset)" : value}`);
    }
  },
});

// ENS has no "not found": unset records come back as these values.
function isUnset(value: string): boolean {
  return value === "" || value === "0x" || value === zeroAddress;
}
