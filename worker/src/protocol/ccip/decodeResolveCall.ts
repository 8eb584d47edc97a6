import { type AbiFunction, decodeAbiParameters, type Hex, hexToBytes, isHex, size, slice, toFunctionSelector } from "viem";
import { offchainResolverAbi, recordResolverAbi } from "../../abi";
import { namehashOf } from "../ens/namehashOf";
import { assertNormalizedName } from "../ens/assertNormalizedName";
import { decodeDnsName } from "../ens/decodeDnsName";
import { NodeMismatchError } from "../ens/errors";
import { InvalidCallDataError, UnsupportedRecordError } from "./errors";

/** Largest `resolve(bytes,bytes)` call data accepted (bytes). Real lookups are a few hundred. */
export const MAX_CALL_DATA_BYTES = 8 * 1024;

/** One record of one node, as asked by the inner record call. */
export type RecordQuery =
  | { kind: "addr"; node: Hex }
  | { kind: "addrByCoinType"; node: Hex; coinType: bigint }
  | { kind: "text"; node: Hex; key: string }
  | { kind: "contenthash"; node: Hex };

/** A multicall item: a record query, or the selector of a call the gateway does not answer. */
export type MulticallItem = RecordQuery | { kind: "unsupported"; selector: Hex };

/** A decoded and checked ENSIP-10 `resolve(name, data)` call: one record, or a multicall of them. */
export type ResolveCall = { name: string; node: Hex; record: RecordQuery } | { name: string; node: Hex; multicall: MulticallItem[] };

/** Most calls one multicall may carry. */
export const MAX_MULTICALL_ITEMS = 32;

/**
 * Decodes `resolve(bytes dnsName, bytes data)` call data (the EIP-3668 `callData`) and checks it:
 * the DNS name is well formed and ENSIP-15 normalized, the record call is one we answer, and its
 * node is `namehash(name)`.
 *
 * @example decodeResolveCall("0x9061b923…") // { name: "alice.demo.eth", record: { kind: "text", node, key } }
 * @see https://docs.ens.domains/ensip/10
 * @throws {InvalidCallDataError | UnsupportedRecordError | InvalidDnsNameError | NameNotNormalizedError | NodeMismatchError}
 */
export function decodeResolveCall(callData: Hex): ResolveCall {
  if (!isHex(callData, { strict: true }) || callData.length % 2 !== 0) {
    throw new InvalidCallDataError("Call data is not 0x-prefixed hex of whole bytes");
  }
  if (size(callData) > MAX_CALL_DATA_BYTES) {
    throw new InvalidCallDataError(`Call data is larger than ${MAX_CALL_DATA_BYTES} bytes`);
  }
  const [dnsName, data] = decodeResolveArguments(callData);
  const name = decodeDnsName(hexToBytes(dnsName));
  assertNormalizedName(name);
  const node = namehashOf(name);
  const checkNode = (query: RecordQuery) => {
    if (query.node.toLowerCase() !== node) throw new NodeMismatchError(name);
    return query;
  };
  const call = decodeCall(data);
  if (call.kind !== "multicall") return { name, node, record: checkNode(call) };
  if (call.items.length > MAX_MULTICALL_ITEMS) throw new InvalidCallDataError(`A multicall may carry at most ${MAX_MULTICALL_ITEMS} calls`);
  const multicall = call.items.map((item): MulticallItem => {
    try {
      const decoded = decodeCall(item);
      if (decoded.kind === "multicall") return { kind: "unsupported", selector: selectorOf(item) };
      return checkNode(decoded);
    } catch (error) {
      // One unknown record type fails only its own item (ENSIP-22 multicall semantics).
      if (error instanceof UnsupportedRecordError) return { kind: "unsupported", selector: selectorOf(item) };
      throw error;
    }
  });
  return { name, node, multicall };
}

function selectorOf(data: Hex): Hex {
  return size(data) >= 4 ? slice(data, 0, 4) : "0x00000000";
}

/**
 * The functions of `abi` by selector, hashed once per isolate: viem's `decodeFunctionData` hashes
 * the signature of every candidate function on every call (a keccak each, measured as a tenth of
 * an uncached lookup's CPU).
 */
function functionsBySelector<const Functions extends readonly AbiFunction[]>(abi: Functions): () => Map<string, Functions[number]> {
  let bySelector: Map<string, Functions[number]> | undefined;
  return () => {
    bySelector ??= new Map(abi.map((item) => [toFunctionSelector(item), item]));
    return bySelector;
  };
}

const resolverFunctions = functionsBySelector(offchainResolverAbi.filter((item) => item.type === "function"));
const recordFunctions = functionsBySelector(recordResolverAbi);

/** The function `data` calls among `functions` (selector in either hex case) and its decoded arguments; undefined: no such function. */
function decodeCallOf<Function extends AbiFunction>(functions: Map<string, Function>, data: Hex): { item: Function; args: readonly unknown[] } | undefined {
  const item = functions.get(data.slice(0, 10).toLowerCase());
  if (!item) return undefined;
  return { item, args: decodeAbiParameters(item.inputs, `0x${data.slice(10)}`) };
}

function decodeResolveArguments(callData: Hex): readonly [Hex, Hex] {
  let decoded: ReturnType<typeof decodeCallOf>;
  try {
    decoded = decodeCallOf(resolverFunctions(), callData);
  } catch (cause) {
    throw new InvalidCallDataError("Call data is not a decodable resolve(bytes,bytes) call", { cause });
  }
  if (decoded?.item.name !== "resolve") throw new InvalidCallDataError("Call data is not a resolve(bytes,bytes) call");
  return decoded.args as [Hex, Hex];
}

function decodeCall(data: Hex): RecordQuery | { kind: "multicall"; items: readonly Hex[] } {
  if (data.length < 10) throw new InvalidCallDataError("Record call inside resolve() cannot be decoded: shorter than a selector");
  let decoded: ReturnType<typeof decodeCallOf>;
  try {
    decoded = decodeCallOf(recordFunctions(), data);
  } catch (cause) {
    throw new InvalidCallDataError("Record call inside resolve() cannot be decoded", { cause });
  }
  if (!decoded) throw new UnsupportedRecordError(selectorOf(data));
  const { item, args } = decoded;
  switch (item.name) {
    case "addr":
      return args.length === 2 ? { kind: "addrByCoinType", node: args[0] as Hex, coinType: args[1] as bigint } : { kind: "addr", node: args[0] as Hex };
    case "text":
      return { kind: "text", node: args[0] as Hex, key: args[1] as string };
    case "contenthash":
      return { kind: "contenthash", node: args[0] as Hex };
    case "multicall":
      return { kind: "multicall", items: args[0] as readonly Hex[] };
  }
  throw new UnsupportedRecordError(selectorOf(data));
}
