import { type Address, decodeAbiParameters, encodeFunctionData, type Hex, type PublicClient, toHex, zeroAddress } from "viem";

/** What ENS resolution needs of a viem client: any public client has it (a smaller one is enough). */
export type EnsCallClient = Pick<PublicClient, "readContract" | "call">;
import { namehash, normalize, packetToBytes } from "viem/ens";
import { ensRegistryAbi, EXTENDED_RESOLVER_INTERFACE_ID, offchainResolverAbi, recordResolverAbi } from "../../abi";
import { EnsNoResolverError, EnsResolverNotExtendedError } from "./errors";

/** One record to look up. */
export type RecordRequest = { kind: "text"; key: string } | { kind: "addr"; coinType?: bigint } | { kind: "contenthash" };

/** Where a name's resolution starts: the resolver found by the ENSIP-10 walk. */
export type ResolverLocation = { resolver: Address; resolverName: string; extended: boolean };

/**
 * ENSIP-10 resolver walk: the resolver of the name or of its closest ancestor that has one, and
 * whether it is an `IExtendedResolver` (required when the resolver is set on an ancestor).
 *
 * @see https://docs.ens.domains/ensip/10#pseudocode
 */
export async function findResolver(client: EnsCallClient, registry: Address, name: string): Promise<ResolverLocation> {
  const labels = name.split(".");
  for (let index = 0; index < labels.length; index++) {
    const candidate = labels.slice(index).join(".");
    const resolver = await client.readContract({
      address: registry,
      abi: ensRegistryAbi,
      functionName: "resolver",
      args: [namehash(candidate)],
    });
    if (resolver === zeroAddress) continue;
    const extended = await client.readContract({
      address: resolver,
      abi: offchainResolverAbi,
      functionName: "supportsInterface",
      args: [EXTENDED_RESOLVER_INTERFACE_ID],
    });
    if (candidate !== name && !extended) {
      throw new EnsResolverNotExtendedError(candidate, resolver, name);
    }
    return { resolver, resolverName: candidate, extended };
  }
  throw new EnsNoResolverError(name);
}

/** The record's return value, decoded: a string, address, or hex bytes. */
export type RecordValue = string;

/**
 * Looks `record` up for `name` the way any ENS client does: registry walk, then `resolve()` on the
 * extended resolver, letting viem follow the EIP-3668 OffchainLookup (CCIP-Read) and verify it on chain.
 */
export async function resolveRecord(client: EnsCallClient, registry: Address, name: string, record: RecordRequest): Promise<RecordValue> {
  const normalized = normalize(name);
  const { resolver, extended } = await findResolver(client, registry, normalized);
  const recordCall = encodeRecordCall(namehash(normalized), record);
  const raw = extended
    ? await client.readContract({
        address: resolver,
        abi: offchainResolverAbi,
        functionName: "resolve",
        args: [toHex(packetToBytes(normalized)), recordCall],
      })
    : ((await client.call({ to: resolver, data: recordCall })).data ?? "0x");
  return decodeRecordResult(record, raw);
}

/**
 * Several records in one lookup: `resolve(name, multicall([...]))`, one OffchainLookup and one
 * signed answer (ENSIP-22). A record the gateway does not answer comes back as an Error.
 */
export async function resolveRecords(client: EnsCallClient, registry: Address, name: string, records: RecordRequest[]): Promise<(RecordValue | Error)[]> {
  const normalized = normalize(name);
  const { resolver } = await findResolver(client, registry, normalized);
  const node = namehash(normalized);
  const raw = await client.readContract({
    address: resolver,
    abi: offchainResolverAbi,
    functionName: "resolve",
    args: [
      toHex(packetToBytes(normalized)),
      encodeFunctionData({ abi: recordResolverAbi, functionName: "multicall", args: [records.map((record) => encodeRecordCall(node, record))] }),
    ],
  });
  const [items] = decodeAbiParameters([{ type: "bytes[]" }], raw);
  return items.map((item, index) => {
    try {
      return decodeRecordResult(records[index] as RecordRequest, item);
    } catch {
      return new Error(`record ${index} failed: ${item.slice(0, 10)}`);
    }
  });
}

function encodeRecordCall(node: Hex, record: RecordRequest): Hex {
  switch (record.kind) {
    case "text":
      return encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [node, record.key] });
    case "addr":
      return record.coinType === undefined
        ? encodeFunctionData({ abi: recordResolverAbi, functionName: "addr", args: [node] })
        : encodeFunctionData({ abi: recordResolverAbi, functionName: "addr", args: [node, record.coinType] });
    case "contenthash":
      return encodeFunctionData({ abi: recordResolverAbi, functionName: "contenthash", args: [node] });
  }
}

function decodeRecordResult(record: RecordRequest, raw: Hex): RecordValue {
  if (record.kind === "text") return decodeAbiParameters([{ type: "string" }], raw)[0];
  if (record.kind === "addr" && record.coinType === undefined) return decodeAbiParameters([{ type: "address" }], raw)[0];
  return decodeAbiParameters([{ type: "bytes" }], raw)[0];
}
