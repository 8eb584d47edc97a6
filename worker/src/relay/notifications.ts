import {
  deleteSubscription,
  findNotificationSubscription,
  claimNotification,
  confirmSubscription,
  releaseNotification,
  savePendingSubscription,
  spendCodeAttempt,
} from "../db/notificationSubscriptions";
import { signWebhookBody } from "../protocol/webhookSignature";
import {
  allowConfirmationMail,
  CONFIRMATION_CODE_TTL_MS,
  CONFIRMATION_MAILS_PER_ADDRESS,
  CONFIRMATION_RESEND_AFTER_MS,
  confirmationCodeHash,
  MAX_CONFIRMATION_CODE_ATTEMPTS,
  newConfirmationCode,
  timingSafeEqualText,
} from "../shared/confirmationCode";
import type { NotificationSettings } from "../settings/settingsOf";
import type { NotificationView } from "./apiTypes";
import { ConfirmationLimitError, InvalidConfirmationCodeError, MailNotSentError, NotificationsOffError } from "./errors";
import type { RelayServices } from "./RelayServices";

const MAX_SENDER_LENGTH = 255;

type NotificationServices = Pick<RelayServices, "db" | "clock" | "notifications">;

function notificationSettings(services: NotificationServices): NotificationSettings {
  const settings = services.notifications();
  if (!settings) throw new NotificationsOffError();
  return settings;
}

const codeHash = (name: string, code: string) => confirmationCodeHash("notification code", name, code);

/**
 * Asks to notify `name`'s owner (the session's profile key `ownerKey`) at `email`: mails a code
 * that confirms the address; until then nothing else is ever sent there. A new address replaces
 * the old one (unconfirmed again). At most one code per name per {@link CONFIRMATION_RESEND_AFTER_MS}.
 */
export async function requestNotificationEmail(services: NotificationServices, name: string, ownerKey: string, email: string): Promise<NotificationView> {
  const settings = notificationSettings(services);
  const nowMs = services.clock.nowMs();
  const code = newConfirmationCode();
  const codeExpiresAtMs = nowMs + CONFIRMATION_CODE_TTL_MS;
  const saved = await savePendingSubscription(
    services.db,
    { name, ownerKey, email, codeHash: codeHash(name, code), nowMs, codeExpiresAtMs },
    CONFIRMATION_RESEND_AFTER_MS,
  );
  if (!saved) throw new ConfirmationLimitError(`A code for ${name} went out less than a minute ago; wait for it, or retry in a minute`);
  // An address that never asked gets only a few codes a day, however many names and clients ask for it.
  if (!(await allowConfirmationMail(services.db, email, nowMs))) {
    await deleteSubscription(services.db, name, email);
    throw new ConfirmationLimitError(`This address got ${CONFIRMATION_MAILS_PER_ADDRESS} codes in the last 24 hours; no more are sent to it today`);
  }
  try {
    await settings.mailer.send({
      from: settings.from,
      to: email,
      subject: `Your dm3 notification code: ${code}`,
      text: [
        `Someone asked the dm3 delivery service to notify this address of new DM3 messages for ${name}.`,
        "",
        `If it was you, enter this code within 10 minutes: ${code}`,
        "",
        "If it was not you, ignore this mail: nothing else will be sent to this address.",
      ].join("\n"),
    });
  } catch (error) {
    await deleteSubscription(services.db, name, email);
    throw new MailNotSentError(error);
  }
  return { name, email, confirmed: false, codeExpiresAtMs, intervalSeconds: settings.intervalMs / 1000 };
}

/** Confirms `name`'s pending address with the code mailed to it (single use, 10 minutes, 5 tries). */
export async function confirmNotificationEmail(services: NotificationServices, name: string, ownerKey: string, code: string): Promise<NotificationView> {
  const settings = notificationSettings(services);
  const nowMs = services.clock.nowMs();
  const pending = await spendCodeAttempt(services.db, name);
  if (!pending || pending.ownerKey !== ownerKey) throw new InvalidConfirmationCodeError(`No code is pending for ${name}: ask for one first`);
  if (pending.codeAttempts > MAX_CONFIRMATION_CODE_ATTEMPTS) throw new ConfirmationLimitError(`Too many wrong codes for ${name}: ask for a new one`);
  if ((pending.codeExpiresAtMs ?? 0) <= nowMs) throw new InvalidConfirmationCodeError("The code has expired: ask for a new one");
  if (!(await confirmSubscription(services.db, name, codeHash(name, code), nowMs))) throw new InvalidConfirmationCodeError("Wrong code");
  return { name, email: pending.email, confirmed: true, codeExpiresAtMs: null, intervalSeconds: settings.intervalMs / 1000 };
}

/** `name`'s notification address as its owner (profile key `ownerKey`) sees it. */
export async function describeNotifications(services: NotificationServices, name: string, ownerKey: string): Promise<NotificationView> {
  const settings = notificationSettings(services);
  const row = await findNotificationSubscription(services.db, name);
  const own = row?.ownerKey === ownerKey ? row : undefined;
  return {
    name,
    email: own?.email ?? null,
    confirmed: own?.confirmedAtMs != null,
    codeExpiresAtMs: own?.codeHash ? (own.codeExpiresAtMs ?? null) : null,
    intervalSeconds: settings.intervalMs / 1000,
  };
}

/** Stops `name`'s notifications and forgets the address (the session's owner asked); whether there was one. */
export function removeNotifications(services: Pick<RelayServices, "db">, name: string): Promise<boolean> {
  return deleteSubscription(services.db, name);
}

/** The token of the one-click unsubscribe link of `name`'s notifications to `email` (HMAC under the relay's key). */
export function unsubscribeToken(jwtSecret: string, name: string, email: string): Promise<string> {
  return signWebhookBody(jwtSecret, `notification unsubscribe|${name}|${email}`);
}

/** Stops `name`'s notifications when `token` is the one mailed with them (RFC 8058 one-click); false otherwise. */
export async function unsubscribe(services: Pick<RelayServices, "db" | "relay">, name: string, token: string): Promise<boolean> {
  const row = await findNotificationSubscription(services.db, name);
  if (!row) return false;
  const expected = await unsubscribeToken(services.relay().jwtSecret, name, row.email);
  if (!timingSafeEqualText(expected, token)) return false;
  return deleteSubscription(services.db, name, row.email);
}

/** What a stored message tells the notifier: for whom, from whom, and the profile key it was stored under. */
export type NewMessageNotice = { recipient: string; sender: string; signingKey: string };

/**
 * "New DM3 message for <name> from <sender>" (never the content) to the recipient's confirmed
 * address, at most once per interval per inbox, with a one-click unsubscribe link. A mail that
 * cannot be sent is given back (the next message tries again) and logged without the address.
 */
export async function notifyNewMessage(services: Pick<RelayServices, "db" | "clock" | "relay" | "notifications">, notice: NewMessageNotice): Promise<boolean> {
  const settings = services.notifications();
  if (!settings) return false;
  const nowMs = services.clock.nowMs();
  const claim = await claimNotification(services.db, notice.recipient, notice.signingKey, nowMs, settings.intervalMs);
  if (!claim) return false;
  const token = await unsubscribeToken(services.relay().jwtSecret, notice.recipient, claim.email);
  const link = `${settings.publicUrl}/notifications/unsubscribe?name=${encodeURIComponent(notice.recipient)}&token=${token}`;
  // The sender's name is the envelope's claim: shown as text only, one line, bounded.
  const sender = notice.sender.replace(/[\p{Cc}\p{Cf}]/gu, " ").slice(0, MAX_SENDER_LENGTH);
  try {
    await settings.mailer.send({
      from: settings.from,
      to: claim.email,
      subject: `New DM3 message for ${notice.recipient}`,
      text: [
        `There is a new DM3 message for ${notice.recipient} from ${sender}.`,
        "Open your DM3 app to read it.",
        "",
        `Stop these notifications: ${link}`,
      ].join("\n"),
      headers: { "List-Unsubscribe": `<${link}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    });
    return true;
  } catch (error) {
    await releaseNotification(services.db, notice.recipient, nowMs);
    console.error(`notification for ${notice.recipient} not sent: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}
