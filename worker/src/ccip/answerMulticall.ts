import { encodeAbiParameters, encodeErrorResult, type Hex } from "viem";
import { resolverErrorsAbi } from "../abi";
import type { MulticallItem, RecordQuery } from "../protocol/ccip/decodeResolveCall";

const BYTES_ARRAY_OUTPUT = [{ type: "bytes[]" }] as const;

/**
 * The result of `multicall(bytes[])`: every item answered in one signed response, in order. An
 * item the gateway does not answer is the ABI-encoded error `UnsupportedResolverProfile(bytes4)`,
 * as ENS's resolvers and UniversalResolver expect, so one bad item fails alone.
 *
 * @example await answerMulticall([{ kind: "text", node, key: "url" }, { kind: "unsupported", selector: "0x691f3431" }], read)
 * @see https://docs.ens.domains/ensip/22
 */
export async function answerMulticall(items: MulticallItem[], read: (record: RecordQuery) => Promise<Hex> | Hex): Promise<Hex> {
  const results = await Promise.all(
    items.map((item) =>
      item.kind === "unsupported" ? encodeErrorResult({ abi: resolverErrorsAbi, errorName: "UnsupportedResolverProfile", args: [item.selector] }) : read(item),
    ),
  );
  return encodeAbiParameters(BYTES_ARRAY_OUTPUT, [results]);
}
