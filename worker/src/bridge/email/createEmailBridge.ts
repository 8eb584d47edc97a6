import { deleteExpiredConfirmations } from "../../db/bridgeConfirmations";
import { listDueBridgeMails } from "../../db/bridgeMails";
import { deleteThreadsBefore } from "../../db/bridgeThreads";
import { findBridgeUser } from "../../db/bridgeUsers";
import { bridgeIsOn, EMAIL_BRIDGE } from "./bridgeSwitch";
import { resealUsers } from "./custody";
import type { EmailBridge, EmailBridgeServices } from "./EmailBridgeServices";
import { receiveMail } from "./fromEmail";
import { deliverBridgeMail, MAILED_MESSAGE_TYPES, receiveForVirtualUser } from "./toEmail";
import { addressOfUser, bridgeSender, manageUrl } from "./virtualUsers";

/** Threads older than this are forgotten: a reply that late starts a new conversation (it still arrives). */
const THREAD_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;
const MAIL_SWEEP = 25;
/** Virtual users resealed per cron run during a rotation. */
const RESEAL_BATCH = 200;

/** The email bridge over `services`: what the relay hosts, and the worker's `email()` handler. */
export function createEmailBridge(services: EmailBridgeServices): EmailBridge {
  const suffix = `.${services.settings.domain}`;
  return {
    kind: EMAIL_BRIDGE,
    holds: (name) => name.endsWith(suffix),
    supportedMessageTypes: MAILED_MESSAGE_TYPES,
    receive: (envelope, delivery) => receiveForVirtualUser(services, envelope, delivery),
    wake: (id) => deliverBridgeMail(services, id),
    receiveMail: (mail) => receiveMail(services, mail),
    async outboundFailed(report) {
      const user = await findBridgeUser(services.db, report.sender);
      if (user?.status !== "active" || !(await bridgeIsOn(services))) return;
      await services.settings.mailer
        .send({
          from: { name: "DM3 email bridge", email: bridgeSender(services) },
          to: await addressOfUser(services, user),
          subject: `Not delivered on DM3: your message to ${report.recipient}`,
          headers: { "Auto-Submitted": "auto-replied" },
          text: [
            `Your message to ${report.recipient} could not be delivered on DM3:`,
            report.error.slice(0, 1000),
            "",
            `Manage or delete your DM3 identity: ${await manageUrl(services, user)}`,
          ].join("\n"),
        })
        .catch((error: unknown) => console.error(`bridge failure notice for ${user.name} not sent: ${error instanceof Error ? error.message : String(error)}`));
    },
    async maintain() {
      const nowMs = services.clock.nowMs();
      const [due] = await Promise.all([
        listDueBridgeMails(services.db, nowMs, MAIL_SWEEP),
        deleteExpiredConfirmations(services.db, nowMs),
        deleteThreadsBefore(services.db, nowMs - THREAD_RETENTION_MS),
      ]);
      for (const id of due) await deliverBridgeMail(services, id);
      const resealed = services.settings.previousSecret ? await resealUsers(services, RESEAL_BATCH) : 0;
      if (resealed > 0) console.log(`email bridge: ${resealed} virtual users resealed under the current BRIDGE_SECRET`);
      return { attempted: due.length };
    },
  };
}
