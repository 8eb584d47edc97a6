import { parseBoundedJson } from "../protocol/dm3/jsonDepth";
import { ProfileRecordError } from "../protocol/dm3/profileRecord";
import type { OutboundTransport } from "./OutboundTransport";
import { readStreamAtMost } from "./readStreamAtMost";
import { webhookTargetProblem } from "./webhookTargetProblem";

/** Largest profile document read (a signed DM3 profile is well under 2 KB). */
export const MAX_PROFILE_BYTES = 64 * 1024;
const TIMEOUT_MS = 5_000;

/**
 * Fetches the JSON at `url`, which a stranger chose (a profile record's URL), under the worker's
 * outbound policy: the target checked before any connection (no private, loopback, link-local or
 * metadata hosts outside local development), no redirect followed, at most {@link MAX_PROFILE_BYTES}
 * read from the stream, a timeout. Every refusal is a {@link ProfileRecordError} naming why.
 */
export async function fetchOutsideJson(transport: OutboundTransport, url: string, maxBytes = MAX_PROFILE_BYTES): Promise<unknown> {
  const problem = webhookTargetProblem(url, transport.targets);
  if (problem) throw new ProfileRecordError(`not fetched: the profile URL points at ${problem}`);
  let response: Response;
  try {
    // Called unbound: workerd's fetch throws "Illegal invocation" with any other `this`.
    const send = transport.fetch;
    response = await send(url, { redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS), headers: { Accept: "application/json" } });
  } catch (cause) {
    throw new ProfileRecordError(`the profile URL could not be fetched: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw new ProfileRecordError(`the profile URL answered a redirect (HTTP ${response.status}), which is not followed`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ProfileRecordError(`the profile URL answered HTTP ${response.status}`);
  }
  const bytes = response.body ? await readStreamAtMost(response.body, maxBytes) : new Uint8Array();
  if (!bytes) throw new ProfileRecordError(`the profile URL's document is larger than ${maxBytes} bytes`);
  const parsed = parseBoundedJson(new TextDecoder().decode(bytes));
  if ("problem" in parsed) throw new ProfileRecordError(`the profile URL's document ${parsed.problem}`);
  return parsed.value;
}
