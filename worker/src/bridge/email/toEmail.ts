import { normalize } from "viem/ens";
import * as z from "zod/mini";
import { claimBridgeMail, deleteBridgeMail, insertBridgeMail, rescheduleBridgeMail } from "../../db/bridgeMails";
import { findThreadByMessage, rememberThreads } from "../../db/bridgeThreads";
import { findBridgeUser, markBridgeUserUndeliverable } from "../../db/bridgeUsers";
import { mailboxOfEnsName } from "../../protocol/bridge/ensMailbox";
import { base64 } from "@scure/base";
import { parseDataUri } from "../../protocol/bridge/dataUri";
import { checkSchema } from "../../protocol/checkSchema";
import { decryptAsymmetricAsync, parseEncryptedPayload } from "../../protocol/dm3/asymmetric";
import { type DeliveryInformation, type EncryptionEnvelope, envelopeMessageHash } from "../../protocol/dm3/envelope";
import { parseBoundedJson } from "../../protocol/dm3/jsonDepth";
import { type Dm3Message, dm3MessageHash, verifyDm3Message } from "../../protocol/dm3/message";
import { exponentialBackoffMs } from "../../shared/exponentialBackoffMs";
import { scheduleRelayWork } from "../../shared/scheduleRelayWork";
import { SealedValueError } from "../keyVault";
import { bridgeIsOn, EMAIL_BRIDGE } from "./bridgeSwitch";
import { openKeys } from "./custody";
import type { EmailBridgeServices } from "./EmailBridgeServices";
import { BridgeRefusedError, VirtualUserNotFoundError } from "./errors";
import { addressOfUser, manageUrl, unsubscribeUrl } from "./virtualUsers";

/** What a mail can carry: a new message and a reply (edits, reactions and receipts have no mail form). */
export const MAILED_MESSAGE_TYPES = ["NEW", "REPLY"] as const;
/** How long one attempt holds a mail before another wake-up may try it. */
const ATTEMPT_LEASE_MS = 60_000;
/** Tries before a mail that keeps failing counts as undeliverable (about a day with the backoff). */
const MAX_MAIL_ATTEMPTS = 12;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 4 * 60 * 60 * 1000;
/** While the bridge is switched off, queued mail waits this long between looks. */
const PAUSED_RETRY_MS = 5 * 60 * 1000;
/** Most attachments one mail carries (each as its message sent it). */
const MAX_ATTACHMENTS = 10;
const MAX_DISPLAY_NAME = 120;
/** Errors of Email Service that no retry fixes (the recipient's server or the platform refused the address). */
const PERMANENT_SEND_ERROR = /recipient|not allowed|suppress|blocked|reject|invalid|unverified|does not exist/i;

const Dm3MessageSchema = z.looseObject({
  message: z.string(),
  attachments: z.optional(z.array(z.string())),
  metadata: z.looseObject({
    type: z.string(),
    to: z.string(),
    from: z.string(),
    timestamp: z.number(),
    referenceMessageHash: z.optional(z.string()),
  }),
  signature: z.string(),
});

/** A mail waiting to go out (sealed in D1 until sent). */
type OutgoingMail = {
  to: string;
  sender: string;
  text: string;
  attachments: { filename: string; type: string; contentBase64: string }[];
  inReplyTo?: string;
  messageHash: string;
};

/**
 * DM3 → email: a DM3 envelope the relay accepted for a virtual user is opened with the custodial
 * keys, its signature checked against the sender's profile (refused otherwise, nothing mailed),
 * and queued as one mail to the user's address — then sent right away, or retried from the queue.
 */
export async function receiveForVirtualUser(services: EmailBridgeServices, envelope: EncryptionEnvelope, delivery: DeliveryInformation): Promise<string> {
  if (!(await bridgeIsOn(services))) throw new BridgeRefusedError("The email bridge is switched off by its operator; try again later");
  const recipient = normalize(delivery.to);
  const user = await findBridgeUser(services.db, recipient);
  if (!user) throw new VirtualUserNotFoundError(recipient);
  if (user.status !== "active") throw new BridgeRefusedError(`${recipient} cannot be reached by mail any more (${user.statusReason ?? "undeliverable"})`);
  const keys = await openKeys(services.vault, user.name, user.sealedKeys);

  const message = await openMessage(keys.encryption, envelope.message);
  if (!(MAILED_MESSAGE_TYPES as readonly string[]).includes(message.metadata.type)) {
    throw new BridgeRefusedError(
      `An email user takes only ${MAILED_MESSAGE_TYPES.join(" and ")} messages, not ${message.metadata.type.slice(0, 40)} (dm3_getProfileExtension says so)`,
    );
  }
  const sender = normalizeOrRefuse(delivery.from);
  if (normalizeOrRefuse(message.metadata.from) !== sender || normalizeOrRefuse(message.metadata.to) !== recipient) {
    throw new BridgeRefusedError("The message's sender and recipient are not the envelope's");
  }
  const contact = await services.directory.profile(sender);
  if (!contact) throw new BridgeRefusedError(`${sender} has no DM3 profile: the bridge cannot check who signed this message`);
  // Per DM3 sender, across all virtual users: a mailbox is not a place to flood.
  if (services.mailLimiter && !(await services.mailLimiter.limit({ key: `dm3 sender|${sender}` })).success) {
    throw new BridgeRefusedError(`${sender} sent too many messages into the email bridge; try again in a minute`);
  }
  if (!verifyDm3Message(message, contact.signedProfile.profile.publicSigningKey)) {
    throw new BridgeRefusedError(`The message is not signed by ${sender}'s DM3 profile`);
  }

  const reference = message.metadata.referenceMessageHash;
  const thread = reference ? await findThreadByMessage(services.db, user.name, reference) : undefined;
  const mail: OutgoingMail = {
    to: await addressOfUser(services, user),
    sender,
    text: message.message,
    attachments: (message.attachments ?? []).slice(0, MAX_ATTACHMENTS).flatMap((uri, index) => {
      const file = parseDataUri(uri);
      // The bytes as sent: an OpenPGP or S/MIME part stays what only the mail client can open.
      return file ? [{ filename: file.filename ?? `attachment-${index + 1}`, type: file.type, contentBase64: base64.encode(file.bytes) }] : [];
    }),
    ...(thread && { inReplyTo: thread.mailId }),
    messageHash: dm3MessageHash(message),
  };
  const id = envelopeMessageHash(envelope) ?? mail.messageHash;
  // A sender resubmitting a message already mailed (its queue row is gone once sent) gets no second mail.
  if (await findThreadByMessage(services.db, user.name, mail.messageHash)) return id;
  const nowMs = services.clock.nowMs();
  const sealedMail = await services.vault.seal(JSON.stringify(mail), `mail|${id}`);
  if (await insertBridgeMail(services.db, { id, name: user.name, sealedMail, attempts: 0, nextAttemptAtMs: nowMs, lastError: null, createdAtMs: nowMs })) {
    await deliverBridgeMail(services, id);
  }
  return id;
}

/**
 * One attempt at a queued mail (a no-op unless it is due): sent → forgotten, and the thread
 * remembered; failed → retried with backoff, or, when the failure is permanent or keeps coming,
 * the address is marked undeliverable and delivery to it stops.
 */
export async function deliverBridgeMail(services: EmailBridgeServices, id: string): Promise<void> {
  const nowMs = services.clock.nowMs();
  const row = await claimBridgeMail(services.db, id, nowMs, ATTEMPT_LEASE_MS);
  if (!row) return;
  const user = await findBridgeUser(services.db, row.name);
  if (user?.status !== "active") return deleteBridgeMail(services.db, id);
  if (!(await bridgeIsOn(services))) {
    await rescheduleBridgeMail(services.db, id, nowMs + PAUSED_RETRY_MS, "the bridge is switched off");
    return scheduleRelayWork(services, { kind: "bridge", bridge: EMAIL_BRIDGE, id }, PAUSED_RETRY_MS);
  }
  const opened = await services.vault.open(row.sealedMail, `mail|${id}`).catch((error: unknown) => {
    if (!(error instanceof SealedValueError)) throw error;
    return undefined;
  });
  if (opened === undefined) {
    // Sealed under a secret dropped before it went out (a rotation ended too early): it can never be sent.
    console.error(`bridge mail ${id} for ${user.name} dropped: sealed under a secret the bridge no longer has`);
    return deleteBridgeMail(services.db, id);
  }
  const mail = JSON.parse(opened) as OutgoingMail;
  const mailbox = `${mailboxOfEnsName(mail.sender) ?? "reply"}@${services.settings.mailDomain}`;
  const unsubscribe = await unsubscribeUrl(services, user);
  try {
    const sent = await services.settings.mailer.send({
      from: { name: displayName(mail.sender), email: mailbox },
      replyTo: mailbox,
      to: mail.to,
      subject: `DM3 message from ${displayName(mail.sender)}`,
      text: [
        mail.text,
        "",
        "-- ",
        `Sent on DM3 by ${mail.sender}. Reply to this mail to answer on DM3.`,
        `Stop all mail from the bridge and delete your DM3 identity: ${await manageUrl(services, user)}`,
      ].join("\n"),
      attachments: mail.attachments.map((file) => ({
        disposition: "attachment" as const,
        filename: file.filename,
        type: file.type,
        content: base64.decode(file.contentBase64),
      })),
      headers: {
        "List-Unsubscribe": `<${unsubscribe}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        ...(mail.inReplyTo && { "In-Reply-To": mail.inReplyTo, References: mail.inReplyTo }),
      },
    });
    await rememberThreads(services.db, [{ name: user.name, mailId: sent.messageId, messageHash: mail.messageHash, peer: mail.sender, createdAtMs: nowMs }]);
    await deleteBridgeMail(services.db, id);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    if (PERMANENT_SEND_ERROR.test(reason) || row.attempts >= MAX_MAIL_ATTEMPTS) {
      await markBridgeUserUndeliverable(services.db, user.name, reason, nowMs);
      await deleteBridgeMail(services.db, id);
      console.error(`bridge mail for ${user.name} undeliverable after ${row.attempts} attempts: ${reason}`);
      return;
    }
    const delayMs = exponentialBackoffMs(row.attempts, FIRST_RETRY_MS, MAX_RETRY_MS);
    await rescheduleBridgeMail(services.db, id, nowMs + delayMs, reason);
    await scheduleRelayWork(services, { kind: "bridge", bridge: EMAIL_BRIDGE, id }, delayMs);
  }
}

async function openMessage(keys: { publicKey: string; privateKey: string }, encrypted: string): Promise<Dm3Message> {
  let plaintext: string;
  try {
    plaintext = await decryptAsymmetricAsync(keys, parseEncryptedPayload(encrypted));
  } catch (cause) {
    throw new BridgeRefusedError("The message does not open with the recipient's DM3 key", { cause });
  }
  const parsed = parseBoundedJson(plaintext);
  if ("problem" in parsed) throw new BridgeRefusedError(`The message ${parsed.problem}`);
  const checked = checkSchema(Dm3MessageSchema, parsed.value);
  if (!checked.ok) throw new BridgeRefusedError(`The message: ${checked.path || "value"}: ${checked.message}`);
  return checked.data as Dm3Message;
}

function normalizeOrRefuse(name: string): string {
  try {
    return normalize(name);
  } catch {
    throw new BridgeRefusedError(`"${name.slice(0, 255)}" is not an ENS name`);
  }
}

/** The sender's name as a display name: one line, bounded (it is the envelope's claim, checked by its signature). */
const displayName = (name: string) => name.replace(/[\p{Cc}\p{Cf}"]/gu, " ").slice(0, MAX_DISPLAY_NAME);
