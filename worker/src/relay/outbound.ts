import { stringToBytes } from "viem";
import { normalize } from "viem/ens";
import * as z from "zod/mini";
import type { RelayServices } from "./RelayServices";
import { claimOutboundMessage, findOutboundMessage, finishOutboundMessage, insertOutboundMessage, rescheduleOutboundMessage } from "../db/outboundMessages";
import type { OutboundMessageRow } from "../db/schema";
import { ForbiddenError } from "../http/AppError";
import { statusOfError } from "../http/errorStatus";
import { webhookTargetProblem } from "../net/webhookTargetProblem";
import type { Dm3Envelope } from "../protocol/dm3/buildEnvelope";
import { EncryptionEnvelopeSchema, envelopeMessageHash } from "../protocol/dm3/envelope";
import { stringify } from "../protocol/dm3/stringify";
import { SubmitRefusedError, submitEnvelope } from "../protocol/dm3/submitEnvelope";
import { exponentialBackoffMs } from "../shared/exponentialBackoffMs";
import { findServingDomain } from "../shared/servedDomains";
import type { OutboundMessageView } from "./apiTypes";
import { InvalidOutboundError, MessageTooLargeError, UnknownSenderError } from "./errors";
import { notifyNewMessage } from "./notifications";
import { submitMessage } from "./submitMessage";
import { scheduleRelayWork } from "../shared/scheduleRelayWork";
import { webhookReport } from "./webhooks";

/** Most delivery services one outbound message is built for (dm3 profiles list one or two). */
export const MAX_OUTBOUND_ENVELOPES = 8;
/** How long one attempt holds a message before another wake-up may try it. */
const ATTEMPT_LEASE_MS = 60_000;
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 30 * 60 * 1000;
const SUBMIT_TIMEOUT_MS = 10_000;

/** Backoff after the `attempts`-th failed attempt: 5 s, 10 s, 20 s, … capped at 30 min. */
export function outboundBackoffMs(attempts: number): number {
  return exponentialBackoffMs(attempts, FIRST_RETRY_MS, MAX_RETRY_MS);
}

/** What a service hands the relay: one envelope per delivery service of the recipient, built by its user's client. */
export const OutboundRequestSchema = z.strictObject({
  from: z.string().check(z.minLength(1), z.maxLength(255)),
  to: z.string().check(z.minLength(1), z.maxLength(255)),
  envelopes: z
    .array(z.strictObject({ deliveryService: z.string().check(z.minLength(1), z.maxLength(255)), envelope: EncryptionEnvelopeSchema }))
    .check(z.minLength(1), z.maxLength(MAX_OUTBOUND_ENVELOPES)),
  /** Give up (report `failed`) when not delivered within this many seconds; at most the relay's `OUTBOUND_MAX_AGE_SECONDS`. */
  maxAgeSeconds: z.optional(z.int().check(z.minimum(1))),
});
export type OutboundRequest = z.output<typeof OutboundRequestSchema>;

type OutboundEnvelope = { deliveryService: string; envelope: Dm3Envelope };

/**
 * Accepts a message of `domain`'s user for a recipient anywhere: validates it, stores it (once per
 * envelope hash: the same request again answers the stored message), and returns its view.
 * Delivery happens in {@link attemptOutbound}, right away and then from the queue.
 */
export async function queueOutbound(
  services: RelayServices,
  domain: string,
  request: OutboundRequest,
): Promise<{ created: boolean; item: OutboundMessageView }> {
  const relay = services.relay();
  const from = normalizeOrRefuse(request.from, "from");
  const to = normalizeOrRefuse(request.to, "to");
  if (findServingDomain(await services.domains(), from)?.name !== domain) {
    throw new ForbiddenError(`The sender ${from} is not a name of ${domain}: a service sends only as its own users`);
  }
  const sender = await services.directory.profile(from);
  if (!sender?.servedHere) throw new UnknownSenderError(from);

  const seen = new Set<string>();
  const envelopes: OutboundEnvelope[] = request.envelopes.map((item, index) => {
    const deliveryService = normalizeOrRefuse(item.deliveryService, `envelopes.${index}.deliveryService`);
    if (seen.has(deliveryService)) throw new InvalidOutboundError(`envelopes.${index}: a second envelope for ${deliveryService}`);
    seen.add(deliveryService);
    const sizeBytes = stringToBytes(stringify(item.envelope)).length;
    if (sizeBytes > relay.sizeLimitBytes) throw new MessageTooLargeError(sizeBytes, relay.sizeLimitBytes);
    if (!envelopeMessageHash(item.envelope)) throw new InvalidOutboundError(`envelopes.${index}.envelope.metadata needs encryptedMessageHash`);
    return { deliveryService, envelope: item.envelope as Dm3Envelope };
  });

  const nowMs = services.clock.nowMs();
  const maxAgeMs = Math.min(request.maxAgeSeconds ?? relay.outboundMaxAgeSeconds, relay.outboundMaxAgeSeconds) * 1000;
  const row: OutboundMessageRow = {
    domain,
    id: envelopeMessageHash(envelopes[0]?.envelope as Dm3Envelope) as string,
    sender: from,
    recipient: to,
    envelopes: JSON.stringify(envelopes),
    status: "pending",
    attempts: 0,
    nextAttemptAtMs: nowMs,
    expiresAtMs: nowMs + maxAgeMs,
    deliveredBy: null,
    lastError: null,
    createdAtMs: nowMs,
    finishedAtMs: null,
  };
  const created = await insertOutboundMessage(services.db, row);
  const stored = created ? row : await findOutboundMessage(services.db, domain, row.id);
  return { created, item: outboundView(stored ?? row) };
}

/** The service's view of one outbound message (envelopes left out: they are ciphertexts it built). */
export function outboundView(row: OutboundMessageRow): OutboundMessageView {
  const { envelopes, ...view } = row;
  return { ...view, deliveryServices: (JSON.parse(envelopes) as OutboundEnvelope[]).map((item) => item.deliveryService) };
}

type Outcome = { deliveryService: string; accepted: true } | { deliveryService: string; accepted: false; permanent: boolean; error: string };

/**
 * One delivery attempt of a due message (a no-op when it is not due, finished, or another attempt
 * holds it): every delivery service of the recipient at once; done when one accepts, failed when
 * all refuse for good or the maximum age has passed, else retried with backoff. Returns the status.
 */
export async function attemptOutbound(services: RelayServices, key: { domain: string; id: string }): Promise<OutboundMessageRow["status"] | "not due"> {
  const nowMs = services.clock.nowMs();
  const row = await claimOutboundMessage(services.db, key.domain, key.id, nowMs, ATTEMPT_LEASE_MS);
  if (!row) return "not due";
  const entries = JSON.parse(row.envelopes) as OutboundEnvelope[];
  const outcomes = await Promise.all(entries.map((entry) => deliverTo(services, entry)));
  const accepted = outcomes.find((outcome) => outcome.accepted);
  const errors = outcomes.flatMap((outcome) => (outcome.accepted ? [] : [`${outcome.deliveryService}: ${outcome.error}`])).join("; ");
  const finishedAtMs = services.clock.nowMs();

  const allRefusedForGood = outcomes.every((outcome) => !outcome.accepted && outcome.permanent);
  const expired = finishedAtMs >= row.expiresAtMs;
  if (accepted || allRefusedForGood || expired) {
    const status = accepted ? "delivered" : "failed";
    const lastError = accepted ? null : allRefusedForGood ? errors : `not delivered within its maximum age: ${errors}`;
    const finished: OutboundMessageRow = { ...row, status, deliveredBy: accepted?.deliveryService ?? null, lastError, finishedAtMs };
    const domain = (await services.domains()).find((candidate) => candidate.name === row.domain);
    const report = domain?.webhookUrl
      ? webhookReport({ domain: row.domain, recipient: row.sender, type: status, payload: { outbound: outboundView(finished) } }, finishedAtMs)
      : undefined;
    await finishOutboundMessage(services.db, key, { status, deliveredBy: finished.deliveredBy, lastError, nowMs: finishedAtMs }, report);
    if (report) await scheduleRelayWork(services, { kind: "webhooks" }, 0);
    const bridge = status === "failed" ? services.bridges().find((candidate) => candidate.holds(row.sender)) : undefined;
    if (bridge) await bridge.outboundFailed({ sender: row.sender, recipient: row.recipient, error: lastError ?? "not delivered" });
    return status;
  }
  const nextAttemptAtMs = Math.min(finishedAtMs + outboundBackoffMs(row.attempts), row.expiresAtMs);
  await rescheduleOutboundMessage(services.db, key, nextAttemptAtMs, errors);
  await scheduleRelayWork(services, { kind: "outbound", ...key }, nextAttemptAtMs - finishedAtMs);
  return "pending";
}

/** Submits one envelope to its delivery service: in-process when it is this relay, else as a dm3 client over HTTP. */
async function deliverTo(services: RelayServices, entry: OutboundEnvelope): Promise<Outcome> {
  const { deliveryService } = entry;
  const refused = (error: string, permanent: boolean): Outcome => ({ deliveryService, accepted: false, permanent, error });
  if (deliveryService === services.relay().dsName) {
    try {
      const { notice } = await submitMessage(services, JSON.stringify(entry.envelope));
      // Delivered either way: a notification that fails is the recipient's loss, never a resend.
      if (notice)
        await notifyNewMessage(services, notice).catch((error: unknown) =>
          console.error("notification failed:", error instanceof Error ? error.message : error),
        );
      return { deliveryService, accepted: true };
    } catch (error) {
      const permanent = statusOfError(error) < 500;
      return refused(error instanceof Error ? error.message : String(error), permanent);
    }
  }
  let url: string;
  try {
    const profile = await services.directory.deliveryService(deliveryService);
    // Its profile may appear later (or ENS may be down): not a reason to give up yet.
    if (!profile) return refused("no network.dm3.deliveryService profile on ENS", false);
    url = profile.url;
  } catch (error) {
    // ENS or the RPC down: retry; a profile record that cannot be read or does not match: refused for good.
    return refused(error instanceof Error ? error.message : String(error), statusOfError(error) < 500);
  }
  const transport = services.outside();
  const problem = webhookTargetProblem(url, transport.targets);
  if (problem) return refused(`not sent: its URL points at ${problem}`, false);
  try {
    await submitEnvelope({ url, envelope: entry.envelope, fetch: transport.fetch, signal: AbortSignal.timeout(SUBMIT_TIMEOUT_MS) });
    return { deliveryService, accepted: true };
  } catch (error) {
    if (error instanceof SubmitRefusedError) return refused(error.message, error.permanent);
    return refused(error instanceof Error ? error.message : String(error), false);
  }
}

function normalizeOrRefuse(name: string, field: string): string {
  try {
    return normalize(name);
  } catch {
    throw new InvalidOutboundError(`${field}: "${name}" is not a valid ENS name`);
  }
}
