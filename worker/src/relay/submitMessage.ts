import { hashMessage, sha256, stringToBytes } from "viem";
import type * as z from "zod/mini";
import { normalize } from "viem/ens";
import type { RelayServices } from "./RelayServices";
import { insertMessage, insertMessageWithinQuota } from "../db/messages";
import { decryptAsymmetricAsync, encryptAsymmetricToStringAsync, parseEncryptedPayload, signDetachedAsync } from "../protocol/dm3/asymmetric";
import { checkSchema } from "../protocol/checkSchema";
import { parseBoundedJson } from "../protocol/dm3/jsonDepth";
import { stringify } from "../protocol/dm3/stringify";
import { findServingDomain } from "../shared/servedDomains";
import { enforceSpamRules } from "./spamFilter";
import { enqueueWebhookDelivery } from "./webhooks";
import type { RelaySettings } from "../settings/relaySettings";
import { DeliveryInformationSchema, EncryptionEnvelopeSchema, envelopeMessageHash } from "../protocol/dm3/envelope";
import { InvalidEnvelopeError, MessageTooLargeError, RecipientQuotaExceededError, UnknownRecipientError } from "./errors";
import type { NewMessageNotice } from "./notifications";

/** What the delivery service adds to every envelope it accepts (encrypted for the recipient). */
export type Postmark = { messageHash: string; incommingTimestamp: number; signature: string };

/**
 * `dm3_submitMessage`: checks the envelope (shape, size), opens its delivery information with
 * the DS encryption key, requires a recipient this relay delivers to — a name served here with a DM3
 * profile, or any ENS name whose profile lists this delivery service —, adds the signed postmark
 * encrypted to the recipient, and stores it until acknowledged (or `messageTTL`) — or, when the
 * recipient's domain runs in gateway mode, queues it for the domain's webhook; a bridge's virtual
 * user's message goes to its bridge (which mails it, for the email bridge). A stored message
 * comes back with the `notice` its recipient's email notification needs.
 */
export async function submitMessage(
  services: Pick<RelayServices, "db" | "relay" | "domains" | "directory" | "ens" | "ensCacheMs" | "clock" | "bridges">,
  envelopeJson: unknown,
): Promise<{ id: string; forwarded: boolean; notice?: NewMessageNotice }> {
  const context = { db: services.db, relay: services.relay(), nowMs: services.clock.nowMs() };
  if (typeof envelopeJson !== "string") throw new InvalidEnvelopeError("params[0] must be the envelope as a JSON string");
  const envelope = parseEnvelope(envelopeJson);
  const sizeBytes = stringToBytes(stringify(envelope)).length;
  if (sizeBytes > context.relay.sizeLimitBytes) throw new MessageTooLargeError(sizeBytes, context.relay.sizeLimitBytes);
  const messageHash = envelopeMessageHash(envelope);
  if (!messageHash) throw new InvalidEnvelopeError("metadata needs encryptedMessageHash (or messageHash)");

  const deliveryInformation = await openDeliveryInformation(context.relay, envelope.metadata.deliveryInformation);
  const recipient = normalizeName(deliveryInformation.to);
  const { contact, gateway } = await acceptedRecipient(services, recipient);
  const profile = contact.signedProfile;
  await enforceSpamRules(
    { db: context.db, directory: services.directory, ens: services.ens(), cacheMs: services.ensCacheMs(), nowMs: context.nowMs },
    { name: recipient, signingKey: profile.profile.publicSigningKey, domain: gateway?.name },
    deliveryInformation.from,
  );

  // A bridge's virtual user: the bridge takes the message into its own system (and keeps nothing here).
  const bridge = services.bridges().find((candidate) => candidate.holds(recipient));
  if (bridge) return { id: await bridge.receive(envelope, deliveryInformation), forwarded: false };

  const postmark = await createPostmark(context.relay, envelope.message, context.nowMs);
  const stored = {
    ...envelope,
    metadata: { ...envelope.metadata, deliveryInformation },
    postmark: await encryptAsymmetricToStringAsync(profile.profile.publicEncryptionKey, stringify(postmark)),
  };
  if (gateway?.webhookUrl) {
    return { id: await enqueueWebhookDelivery(context.db, { domain: gateway.name, recipient, envelope: stored }, context.nowMs), forwarded: true };
  }
  const id = crypto.randomUUID();
  const ttlMs = contact.servedHere ? context.relay.messageTtlMs : context.relay.foreign.messageTtlMs;
  const row = {
    id,
    recipient,
    sender: deliveryInformation.from,
    messageHash,
    envelope: JSON.stringify(stored),
    receivedAtMs: context.nowMs,
    expiresAtMs: ttlMs > 0 ? context.nowMs + ttlMs : null,
  };
  if (contact.servedHere) await insertMessage(context.db, row);
  else {
    // Names served elsewhere: storage stays bounded whoever lists this relay.
    const quota = { messages: context.relay.foreign.quotaMessages, bytes: context.relay.foreign.quotaBytes };
    if (!(await insertMessageWithinQuota(context.db, row, quota))) throw new RecipientQuotaExceededError(recipient, quota);
  }
  return { id, forwarded: false, notice: { recipient, sender: deliveryInformation.from, signingKey: profile.profile.publicSigningKey } };
}

/**
 * dm3's postmark: `messageHash = EIP-191 hashMessage(stringify(message))`, signed (Ed25519, DS key)
 * over `sha256(stringify({incommingTimestamp, messageHash}))` — `incomming` is dm3's wire spelling.
 */
export async function createPostmark(relay: RelaySettings, message: string, nowMs: number): Promise<Postmark> {
  const unsigned = { messageHash: hashMessage(stringify(message)), incommingTimestamp: nowMs };
  return { ...unsigned, signature: await signDetachedAsync(relay.signing.privateKey, sha256(stringToBytes(stringify(unsigned)))) };
}

function parseEnvelope(text: string) {
  return parseJsonWith(EncryptionEnvelopeSchema, text, "The envelope");
}

async function openDeliveryInformation(relay: RelaySettings, encrypted: string) {
  const plaintext = await decryptAsymmetricAsync(relay.encryption, parseEncryptedPayload(encrypted));
  return parseJsonWith(DeliveryInformationSchema, plaintext, "The delivery information");
}

/** JSON text checked against `schema`, or an {@link InvalidEnvelopeError} naming `what` is wrong. */
function parseJsonWith<Schema extends z.ZodMiniType>(schema: Schema, text: string, what: string): z.output<Schema> {
  const parsed = parseBoundedJson(text);
  if ("problem" in parsed) throw new InvalidEnvelopeError(`${what} ${parsed.problem}`, { cause: parsed.cause });
  const checked = checkSchema(schema, parsed.value);
  if (!checked.ok) throw new InvalidEnvelopeError(`${what}: ${checked.path || "value"}: ${checked.message}`);
  return checked.data;
}

/**
 * A recipient this relay delivers to — a name served here with a DM3 profile, or any ENS name whose
 * profile lists this delivery service — with its profile and the served domain it is under, if any;
 * {@link UnknownRecipientError} otherwise.
 */
export async function acceptedRecipient(services: Pick<RelayServices, "relay" | "domains" | "directory">, recipient: string) {
  const dsName = services.relay().dsName;
  const contact = await services.directory.profile(recipient);
  if (!contact) throw new UnknownRecipientError(recipient, "has no valid DM3 profile");
  if (!contact.servedHere && !listsDeliveryService(contact.signedProfile.profile.deliveryServices, dsName)) {
    throw new UnknownRecipientError(recipient, `does not list this delivery service (${dsName}) in its DM3 profile`);
  }
  return { contact, gateway: findServingDomain(await services.domains(), recipient) };
}

function listsDeliveryService(deliveryServices: readonly unknown[], dsName: string): boolean {
  if (!dsName) return false;
  return deliveryServices.some((name) => {
    try {
      return typeof name === "string" && normalize(name) === dsName;
    } catch {
      return false;
    }
  });
}

function normalizeName(name: string): string {
  try {
    return normalize(name);
  } catch (cause) {
    throw new InvalidEnvelopeError(`Recipient "${name}" is not a valid ENS name`, { cause });
  }
}
