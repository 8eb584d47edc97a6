import { sha256, stringToBytes } from "viem";
import { ProtocolError } from "../ProtocolError";
import { parseBoundedJson } from "./jsonDepth";
import { DM3_PROFILE_RECORD_PREFIX } from "./profile";
import { stringify } from "./stringify";

/** A profile record that points somewhere cannot be read, or what it points at is not what it promised: a permanent refusal. */
export class ProfileRecordError extends ProtocolError {
  override readonly name = "ProfileRecordError";
  readonly code = "profile_unreadable";
}

/**
 * How profile records that point elsewhere are read: `fetchJson` fetches a URL's JSON (the worker
 * passes one under its outbound-request policy); `ipfsGateway` (`https://gateway.example/ipfs`)
 * serves `ipfs://` records — without one they are refused.
 */
export type ProfileFetcher = { fetchJson(url: string): Promise<unknown>; ipfsGateway?: string | undefined };

/** A profile document's JSON by the runtime's `fetch`, redirects refused (what readers without an outbound policy of their own use). */
export async function fetchProfileJson(url: string): Promise<unknown> {
  const response = await fetch(url, { redirect: "error" });
  if (!response.ok) throw new ProfileRecordError(`${url} answered HTTP ${response.status}`);
  return response.json();
}

const defaultFetcher: ProfileFetcher = { fetchJson: fetchProfileJson };

/**
 * The JSON a `network.dm3.profile` or `network.dm3.deliveryService` record stands for, in every
 * form dm3's registry specification allows (as dm3-lib-profile 1.7 reads them):
 * `data:application/json,<JSON>`; an http(s) URL carrying `dm3Hash` = SHA-256 of `stringify(json)`
 * (fetched, the hash checked); `ipfs://<cid>` through `fetcher.ipfsGateway`. Undefined for an empty
 * or unknown value; a pointer that cannot be followed or does not match throws {@link ProfileRecordError}.
 */
export async function readProfileRecord(value: string, fetcher: ProfileFetcher = defaultFetcher): Promise<unknown> {
  if (value.startsWith(DM3_PROFILE_RECORD_PREFIX)) {
    const parsed = parseBoundedJson(value.slice(DM3_PROFILE_RECORD_PREFIX.length));
    return "problem" in parsed ? undefined : parsed.value;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol === "ipfs:") {
    if (!fetcher.ipfsGateway) throw new ProfileRecordError(`${value.slice(0, 200)} is on IPFS and this reader has no IPFS gateway configured`);
    return fetcher.fetchJson(`${fetcher.ipfsGateway.replace(/\/+$/, "")}/${value.slice("ipfs://".length)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  const hashes = url.searchParams.getAll("dm3Hash");
  if (hashes.length !== 1) throw new ProfileRecordError(`${value.slice(0, 200)} is a profile URL without exactly one dm3Hash parameter`);
  const json = await fetcher.fetchJson(value);
  const actual = sha256(stringToBytes(stringify(json)));
  if (actual !== hashes[0]?.toLowerCase()) throw new ProfileRecordError(`the profile at ${url.origin}${url.pathname} does not match its dm3Hash`);
  return json;
}
