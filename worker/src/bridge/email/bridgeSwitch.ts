import { findBridgeSwitch } from "../../db/bridgeSwitches";
import type { EmailBridgeServices } from "./EmailBridgeServices";
import { BridgeOffError } from "./errors";

/** The email bridge's name in the switch table, queue wake-ups and logs. */
export const EMAIL_BRIDGE = "email";

/** Whether the operator left the email bridge on (no switch row: on). */
export async function bridgeIsOn(services: Pick<EmailBridgeServices, "db">): Promise<boolean> {
  return (await findBridgeSwitch(services.db, EMAIL_BRIDGE))?.enabled ?? true;
}

/** Throws {@link BridgeOffError} when the operator switched the bridge off. */
export async function assertBridgeOn(services: Pick<EmailBridgeServices, "db">): Promise<void> {
  if (!(await bridgeIsOn(services))) throw new BridgeOffError();
}
