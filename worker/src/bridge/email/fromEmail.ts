import PostalMime, { type Email } from "postal-mime";
import { normalize } from "viem/ens";
import { findThreadByMail, rememberThreads } from "../../db/bridgeThreads";
import { readStreamAtMost } from "../../net/readStreamAtMost";
import { findBridgeUser } from "../../db/bridgeUsers";
import { emailBridgeName } from "../../protocol/bridge/emailBridgeName";
import { ensNameOfMailbox } from "../../protocol/bridge/ensMailbox";
import { toDataUri } from "../../protocol/bridge/dataUri";
import { checkMailAuthentication } from "../../protocol/bridge/mailAuthentication";
import { normalizeEmailAddress } from "../../protocol/bridge/normalizeEmailAddress";
import { buildEnvelope } from "../../protocol/dm3/buildEnvelope";
import { createDm3Message, dm3MessageHash } from "../../protocol/dm3/message";
import { bridgeIsOn } from "./bridgeSwitch";
import { openKeys } from "./custody";
import type { EmailBridgeServices, InboundMail } from "./EmailBridgeServices";
import { addressOfUser } from "./virtualUsers";

/** Most delivery services one message is built for (dm3 profiles list one or two). */
const MAX_DELIVERY_SERVICES = 8;
/** Longest text taken from one mail (a DM3 message is a chat message, not an archive). */
const MAX_TEXT_CHARS = 64 * 1024;
const MAX_ATTACHMENTS = 10;
/** What the parser may meet at most: deep or wide MIME trees and huge headers are refused, not walked. */
const PARSER_LIMITS = { maxNestingDepth: 16, maxHeadersSize: 64 * 1024, maxPartCount: 64 };

/** A mail the bridge refuses: the reason goes back to the sending server (the handler's `setReject`). */
class MailRefused extends Error {
  override readonly name = "MailRefused";
}

/**
 * Email → DM3: mail from a confirmed address to `<ENS name as a mailbox>@<bridge mail domain>`
 * (or a reply to bridge mail) becomes a DM3 message signed by the sender's virtual user, built
 * for every delivery service of the recipient and handed to the relay's outbound queue. Accepted
 * only when the sender is an active virtual user and the platform's authentication results prove
 * its From domain; everything else is rejected with the reason. Never throws.
 */
export async function receiveMail(services: EmailBridgeServices, mail: InboundMail): Promise<void> {
  try {
    await acceptMail(services, mail);
  } catch (error) {
    const reason = error instanceof MailRefused ? error.message : "the bridge could not take this mail now; try again later";
    if (!(error instanceof MailRefused)) console.error(`bridge mail refused: ${error instanceof Error ? error.message : String(error)}`);
    mail.setReject(reason);
  }
}

async function acceptMail(services: EmailBridgeServices, mail: InboundMail): Promise<void> {
  if (!(await bridgeIsOn(services))) throw new MailRefused("this bridge is switched off by its operator");
  const limit = services.settings.maxMailBytes;
  if (mail.rawSize > limit) throw new MailRefused(`mail larger than ${limit} bytes is not taken`);
  const parsed = await parseMail(mail.raw, limit);

  const from = parsed.from?.address;
  if (!from) throw new MailRefused("the mail has no From address");
  let address: string;
  try {
    address = normalizeEmailAddress(from);
  } catch {
    throw new MailRefused("the From address is not one the bridge takes");
  }
  const user = await findBridgeUser(services.db, emailBridgeName(address, services.settings.domain));
  // Reasons never repeat the address: they travel back through mail servers and their logs.
  const notConfirmed = `the sender has no confirmed DM3 identity on this bridge: confirm the address at ${services.settings.publicUrl}/bridge/email`;
  if (!user || (await addressOfUser(services, user)) !== address) throw new MailRefused(notConfirmed);
  if (user.status !== "active")
    throw new MailRefused("the sender's address is marked undeliverable on this bridge: delete the identity and confirm the address again");

  const results = parsed.headers.filter((header) => header.key === "authentication-results").map((header) => header.value);
  const verdict = checkMailAuthentication(results, address.slice(address.lastIndexOf("@") + 1), services.settings.authservId);
  if (!verdict.authenticated) throw new MailRefused(`sender not authenticated: ${verdict.reason}`);
  if (isAutomatic(parsed)) throw new MailRefused("automatic replies are not carried into DM3");
  if (services.mailLimiter && !(await services.mailLimiter.limit({ key: `virtual user|${user.name}` })).success) {
    throw new MailRefused("too many mails from this address; try again in a minute");
  }

  const thread = parsed.inReplyTo ? await findThreadByMail(services.db, user.name, parsed.inReplyTo.trim()) : undefined;
  const recipient = recipientOf(services, mail.to) ?? thread?.peer;
  if (!recipient) throw new MailRefused(`${mail.to} names no DM3 user: write to <ENS name>@${services.settings.mailDomain}`);
  const contact = await services.directory.profile(recipient);
  if (!contact) throw new MailRefused(`${recipient} has no DM3 profile`);
  const deliveryServices = (
    await Promise.all(
      contact.signedProfile.profile.deliveryServices.slice(0, MAX_DELIVERY_SERVICES).map(async (name) => {
        if (name === services.deliveryService.name) return [services.deliveryService];
        const profile = await services.directory.deliveryService(name).catch(() => undefined);
        return profile ? [{ name, publicEncryptionKey: profile.publicEncryptionKey }] : [];
      }),
    )
  ).flat();
  if (deliveryServices.length === 0) throw new MailRefused(`no delivery service of ${recipient} can be reached`);

  const keys = await openKeys(services.vault, user.name, user.sealedKeys);
  const sender = user.alias ?? user.name;
  const message = createDm3Message({
    from: sender,
    to: recipient,
    text: (parsed.text ?? "").slice(0, MAX_TEXT_CHARS),
    senderSigningKey: keys.signing.privateKey,
    timestampMs: services.clock.nowMs(),
    attachments: parsed.attachments
      .slice(0, MAX_ATTACHMENTS)
      .map((file) => toDataUri({ type: file.mimeType, filename: file.filename ?? undefined, bytes: new Uint8Array(file.content as ArrayBuffer) })),
    ...(thread && { referenceMessageHash: thread.messageHash }),
  });
  const envelopes = deliveryServices.map((ds) => ({
    deliveryService: ds.name,
    envelope: buildEnvelope({
      message,
      to: recipient,
      from: sender,
      recipientEncryptionKey: contact.signedProfile.profile.publicEncryptionKey,
      deliveryServiceEncryptionKey: ds.publicEncryptionKey,
      senderSigningKey: keys.signing.privateKey,
    }),
  }));
  await services.outbound.post(services.settings.domain, { from: sender, to: recipient, envelopes });
  if (parsed.messageId) {
    await rememberThreads(services.db, [
      { name: user.name, mailId: parsed.messageId.trim(), messageHash: dm3MessageHash(message), peer: recipient, createdAtMs: services.clock.nowMs() },
    ]);
  }
}

/** Reads at most `limit` bytes of the raw mail and parses it under the parser's limits. */
async function parseMail(raw: ReadableStream<Uint8Array>, limit: number): Promise<Email> {
  const bytes = await readStreamAtMost(raw, limit);
  if (!bytes) throw new MailRefused(`mail larger than ${limit} bytes is not taken`);
  try {
    return await PostalMime.parse(bytes, PARSER_LIMITS);
  } catch (error) {
    throw new MailRefused(`the mail cannot be read: ${error instanceof Error ? error.message.slice(0, 200) : "malformed MIME"}`);
  }
}

/** The DM3 name a bridge mailbox (`alice.acme.eth@…`, `dm3-…@…`) stands for, when `to` is at the bridge's mail domain. */
function recipientOf(services: EmailBridgeServices, to: string): string | undefined {
  const at = to.lastIndexOf("@");
  if (at <= 0 || to.slice(at + 1).toLowerCase() !== services.settings.mailDomain) return undefined;
  const name = ensNameOfMailbox(to.slice(0, at));
  if (!name) return undefined;
  try {
    return normalize(name);
  } catch {
    return undefined;
  }
}

/** Out-of-office and other machine-sent mail (RFC 3834): carrying it could loop between two bridges. */
function isAutomatic(parsed: Email): boolean {
  const header = (key: string) =>
    parsed.headers
      .find((item) => item.key === key)
      ?.value.trim()
      .toLowerCase();
  const autoSubmitted = header("auto-submitted");
  return (autoSubmitted !== undefined && autoSubmitted !== "no") || /^(bulk|junk|list|auto_reply)$/.test(header("precedence") ?? "");
}
