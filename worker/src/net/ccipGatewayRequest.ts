import { type Hex, HttpRequestError, isHex } from "viem";
import { OutsideRequestRefusedError } from "./outsideFetch";

type CcipRequest = { data: Hex; sender: Hex; urls: readonly string[] };

/**
 * viem's `ccipRead.request` over {@link createOutsideFetch}'s fetch: EIP-3668's gateway request
 * (each URL in order, `{sender}`/`{data}` filled in, GET when the URL has `{data}`, else POST
 * `{data, sender}`; the first well-formed `{data}` answer wins), except that every request obeys the
 * outside policy. A gateway the policy refuses is skipped like one that is down; when every URL
 * was refused, the {@link OutsideRequestRefusedError} is thrown (the name then has no record for
 * us — not an outage to retry); otherwise the last gateway's failure, as viem reports it.
 *
 * @see https://eips.ethereum.org/EIPS/eip-3668#client-lookup-protocol
 */
export function ccipGatewayRequest(outsideFetch: typeof fetch): (request: CcipRequest) => Promise<Hex> {
  return async ({ data, sender, urls }) => {
    const refusals: string[] = [];
    let failure: Error | undefined;
    for (const url of urls) {
      const requestUrl = url.replace("{sender}", sender.toLowerCase()).replace("{data}", data);
      const method = url.includes("{data}") ? "GET" : "POST";
      const body = method === "POST" ? { data, sender } : undefined;
      try {
        const response = await outsideFetch(requestUrl, {
          method,
          ...(body && { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
        });
        const text = await response.text();
        if (response.status >= 300 && response.status < 400) {
          refusals.push(`${new URL(requestUrl).origin} answered a redirect (HTTP ${response.status}), which is not followed`);
          continue;
        }
        if (!response.ok) {
          failure = new HttpRequestError({ url, status: response.status, details: response.statusText, ...(body && { body }) });
          continue;
        }
        const result = (response.headers.get("Content-Type")?.startsWith("application/json") ? (JSON.parse(text) as { data?: unknown }).data : text) as unknown;
        if (isHex(result)) return result;
        failure = new HttpRequestError({ url, details: "the gateway's answer has no hex `data`", ...(body && { body }) });
      } catch (error) {
        if (error instanceof OutsideRequestRefusedError) refusals.push(error.message);
        else failure = new HttpRequestError({ url, details: error instanceof Error ? error.message : String(error), ...(body && { body }) });
      }
    }
    if (failure) throw failure;
    throw new OutsideRequestRefusedError(`every CCIP-Read gateway was refused: ${refusals.join("; ") || "no gateway URL"}`);
  };
}
