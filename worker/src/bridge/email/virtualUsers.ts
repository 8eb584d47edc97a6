import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { deleteConfirmation, savePendingConfirmation, spendConfirmationAttempt } from "../../db/bridgeConfirmations";
import { deleteBridgeUser, findBridgeUser, insertBridgeUser } from "../../db/bridgeUsers";
import type { BridgeUserRow } from "../../db/schema";
import type { OptInView, VirtualUserView } from "../apiTypes";
import { emailBridgeName } from "../../protocol/bridge/emailBridgeName";
import { normalizeEmailAddress } from "../../protocol/bridge/normalizeEmailAddress";
import { generateDm3Keys } from "../../protocol/dm3/keys";
import { signUserProfile } from "../../protocol/dm3/profile";
import { signWebhookBody } from "../../protocol/webhookSignature";
import {
  allowConfirmationMail,
  CONFIRMATION_CODE_TTL_MS,
  CONFIRMATION_MAILS_PER_ADDRESS,
  CONFIRMATION_RESEND_AFTER_MS,
  confirmationCodeHash,
  MAX_CONFIRMATION_CODE_ATTEMPTS,
  newConfirmationCode,
  timingSafeEqualText,
} from "../../shared/confirmationCode";
import { assertBridgeOn } from "./bridgeSwitch";
import { openAddress, sealAddress, sealKeys } from "./custody";
import type { EmailBridgeServices } from "./EmailBridgeServices";
import { InvalidInputError } from "../../http/validate";
import { AliasTakenError, BridgeLimitError, BridgeMailNotSentError, InvalidBridgeCodeError, VirtualUserNotFoundError } from "./errors";

/** A readable alias: one label of lowercase letters, digits and hyphens. */
const ALIAS = /^(?!-)[a-z0-9-]{3,32}(?<!-)$/;

const codeHash = (name: string, code: string) => confirmationCodeHash("bridge opt-in code", name, code);

type ManagedUser = Pick<BridgeUserRow, "name" | "createdAtMs">;

/**
 * The token of a virtual user's management and one-click unsubscribe links: an HMAC under the
 * bridge secret of its name and creation time, so links of a deleted identity never reach a
 * later one of the same address.
 */
export function manageToken(services: Pick<EmailBridgeServices, "settings">, user: ManagedUser): Promise<string> {
  return signWebhookBody(services.settings.secret, `bridge manage|${user.name}|${user.createdAtMs}`);
}

/** Where a virtual user's owner sees its state and deletes it (every mail carries this link). */
export async function manageUrl(services: Pick<EmailBridgeServices, "settings">, user: ManagedUser): Promise<string> {
  return `${services.settings.publicUrl}/bridge/email/manage?name=${encodeURIComponent(user.name)}&token=${await manageToken(services, user)}`;
}

/** The RFC 8058 one-click link every bridge mail names in `List-Unsubscribe`. */
export async function unsubscribeUrl(services: Pick<EmailBridgeServices, "settings">, user: ManagedUser): Promise<string> {
  return `${services.settings.publicUrl}/bridge/email/users/${encodeURIComponent(user.name)}/unsubscribe?token=${await manageToken(services, user)}`;
}

function aliasName(services: Pick<EmailBridgeServices, "settings">, alias: string | undefined): string | null {
  if (!alias) return null;
  if (!ALIAS.test(alias)) throw new InvalidInputError(`alias: "${alias}" must be 3–32 lowercase letters, digits or hyphens`);
  return `${alias}.${services.settings.domain}`;
}

/**
 * Opt-in, step one: mails `email` a single-use code (and a link carrying it) that creates its
 * virtual user — or, when it has one, the link that manages it. Nothing else is ever sent to an
 * address before it confirms; an address gets at most one code a minute and five mails a day.
 */
export async function requestOptIn(services: EmailBridgeServices, input: { email: string; alias?: string }): Promise<OptInView> {
  await assertBridgeOn(services);
  const email = normalizeEmailAddress(input.email);
  const name = emailBridgeName(email, services.settings.domain);
  const existing = await findBridgeUser(services.db, name);
  if (existing) return mailManageLink(services, existing, email);
  const alias = aliasName(services, input.alias);
  if (alias && (await aliasTaken(services, alias, name))) throw new AliasTakenError(input.alias ?? "");

  const nowMs = services.clock.nowMs();
  const code = newConfirmationCode();
  const expiresAtMs = nowMs + CONFIRMATION_CODE_TTL_MS;
  const pending = {
    name,
    sealedEmail: await sealAddress(services.vault, name, email),
    alias,
    codeHash: codeHash(name, code),
    sentAtMs: nowMs,
    expiresAtMs,
    attempts: 0,
  };
  if (!(await savePendingConfirmation(services.db, pending, CONFIRMATION_RESEND_AFTER_MS))) {
    throw new BridgeLimitError("A code for this address went out less than a minute ago; wait for it, or retry in a minute");
  }
  if (!(await allowConfirmationMail(services.db, email, nowMs))) {
    await deleteConfirmation(services.db, name);
    throw new BridgeLimitError(`This address got ${CONFIRMATION_MAILS_PER_ADDRESS} codes in the last 24 hours; no more are sent to it today`);
  }
  const link = `${services.settings.publicUrl}/bridge/email/confirm?name=${encodeURIComponent(name)}&code=${code}`;
  try {
    await services.settings.mailer.send({
      from: { name: "DM3 email bridge", email: bridgeSender(services) },
      to: email,
      subject: `Your DM3 bridge code: ${code}`,
      // RFC 3834: machine-made; autoresponders must not answer it.
      headers: { "Auto-Submitted": "auto-generated" },
      text: [
        "Someone asked to make this address reachable on DM3 through an email bridge.",
        "",
        `If it was you, confirm within 10 minutes: ${link}`,
        `or enter the code ${code} where you asked.`,
        "",
        `Your DM3 name will be ${alias ?? name}${alias ? ` (also ${name})` : ""}. The bridge keeps its keys for you:`,
        "it reads the DM3 messages it mails to you (custodial), never what is encrypted for your mail client.",
        "",
        "If it was not you, ignore this mail: nothing else will be sent to this address.",
      ].join("\n"),
    });
  } catch (error) {
    await deleteConfirmation(services.db, name);
    throw new BridgeMailNotSentError(error);
  }
  return { name, alias, codeExpiresAtMs: expiresAtMs };
}

/**
 * An address that has a virtual user asks again: it gets the link that manages (and deletes) it,
 * under the same limits as codes — so the page works for leaving as for joining, without a mail
 * from the bridge at hand.
 */
async function mailManageLink(services: EmailBridgeServices, user: BridgeUserRow, email: string): Promise<OptInView> {
  const nowMs = services.clock.nowMs();
  if (!(await allowConfirmationMail(services.db, email, nowMs))) {
    throw new BridgeLimitError(`This address got ${CONFIRMATION_MAILS_PER_ADDRESS} mails from the bridge in the last 24 hours; no more are sent to it today`);
  }
  try {
    await services.settings.mailer.send({
      from: { name: "DM3 email bridge", email: bridgeSender(services) },
      to: email,
      subject: "Your DM3 identity on the email bridge",
      headers: { "Auto-Submitted": "auto-generated" },
      text: [
        `This address has a DM3 identity on the email bridge: ${user.alias ?? user.name}.`,
        "",
        `See its state or delete it: ${await manageUrl(services, user)}`,
        "",
        "If you did not ask for this mail, ignore it: nothing changes.",
      ].join("\n"),
    });
  } catch (error) {
    throw new BridgeMailNotSentError(error);
  }
  return { name: user.name, alias: user.alias, codeExpiresAtMs: null };
}

/**
 * Opt-in, step two: the code creates the virtual user — an Ethereum key and DM3 keys generated
 * here and sealed, a DM3 profile listing this relay signed by that key, and its name (and alias)
 * published. A spent, wrong (five tries) or expired code creates nothing.
 */
export async function confirmOptIn(services: EmailBridgeServices, input: { name: string; code: string }): Promise<VirtualUserView> {
  await assertBridgeOn(services);
  const nowMs = services.clock.nowMs();
  const pending = await spendConfirmationAttempt(services.db, input.name);
  if (!pending) throw new InvalidBridgeCodeError("No code is pending for this name (spent, or never asked): ask for a new one");
  if (pending.attempts > MAX_CONFIRMATION_CODE_ATTEMPTS) throw new BridgeLimitError("Too many wrong codes: ask for a new one");
  if (pending.expiresAtMs <= nowMs) throw new InvalidBridgeCodeError("The code has expired: ask for a new one");
  const hash = codeHash(pending.name, input.code);
  if (!timingSafeEqualText(hash, pending.codeHash)) throw new InvalidBridgeCodeError("Wrong code");

  const ethereum = generatePrivateKey();
  const owner = privateKeyToAccount(ethereum);
  const { signing, encryption } = generateDm3Keys();
  const dm3Profile = await signUserProfile(owner, {
    publicEncryptionKey: encryption.publicKey,
    publicSigningKey: signing.publicKey,
    deliveryServices: [services.deliveryService.name],
  });
  const row: BridgeUserRow = {
    name: pending.name,
    sealedEmail: pending.sealedEmail,
    sealedKeys: await sealKeys(services.vault, pending.name, { ethereum, signing, encryption }),
    alias: pending.alias,
    status: "active",
    statusReason: null,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
  };
  try {
    if (!(await insertBridgeUser(services.db, row, hash))) throw new InvalidBridgeCodeError("This code was used already");
  } catch (error) {
    if (error instanceof InvalidBridgeCodeError) throw error;
    throw new AliasTakenError(pending.alias ?? "", { cause: error });
  }
  try {
    await services.names.put(row.name, { owner: owner.address, dm3Profile });
    if (row.alias) await services.names.put(row.alias, { owner: owner.address, dm3Profile });
  } catch (error) {
    // The user exists only with its name: undo, so the next code starts clean.
    await services.names.delete(row.name).catch(() => false);
    await deleteBridgeUser(services.db, row.name);
    throw error;
  }
  return viewOf(row);
}

/** A virtual user's state for whoever holds its management link. */
export async function describeVirtualUser(services: EmailBridgeServices, name: string, token: string): Promise<VirtualUserView> {
  return viewOf(await ownedUser(services, name, token));
}

/**
 * Deletes a virtual user for whoever holds its management link: its names go (their last profile
 * superseded: it can never be published again), and with them its keys, pending mail, threads
 * and the relay's data about it (the names' lifecycle).
 */
export async function deleteVirtualUser(services: EmailBridgeServices, name: string, token: string): Promise<void> {
  const user = await ownedUser(services, name, token);
  if (user.alias) await services.names.delete(user.alias);
  await services.names.delete(user.name);
  // Normally gone with the name already (the lifecycle); here for a name an admin removed first.
  await deleteBridgeUser(services.db, user.name);
}

/** The address a virtual user stands for (opened from its sealed form). */
export function addressOfUser(services: Pick<EmailBridgeServices, "vault">, user: Pick<BridgeUserRow, "name" | "sealedEmail">): Promise<string> {
  return openAddress(services.vault, user.name, user.sealedEmail);
}

/** The address the bridge sends its own mail from. */
export const bridgeSender = (services: Pick<EmailBridgeServices, "settings">) => `dm3-bridge@${services.settings.mailDomain}`;

async function ownedUser(services: EmailBridgeServices, name: string, token: string): Promise<BridgeUserRow> {
  const user = await findBridgeUser(services.db, name);
  if (!user || user.name !== name || !timingSafeEqualText(await manageToken(services, user), token)) throw new VirtualUserNotFoundError(name);
  return user;
}

async function aliasTaken(services: EmailBridgeServices, alias: string, name: string): Promise<boolean> {
  const holder = await findBridgeUser(services.db, alias);
  if (holder) return holder.name !== name;
  return (await services.directory.profile(alias)) !== undefined;
}

function viewOf(row: BridgeUserRow): VirtualUserView {
  return { name: row.name, alias: row.alias, status: row.status as VirtualUserView["status"], statusReason: row.statusReason, createdAtMs: row.createdAtMs };
}
