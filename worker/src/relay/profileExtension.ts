import { normalize } from "viem/ens";
import { findEffectiveSpamRules } from "../db/spamRules";
import { type ProfileExtension, profileExtensionOf } from "../protocol/dm3/profileExtension";
import { InvalidEnvelopeError } from "./errors";
import type { RelayServices } from "./RelayServices";
import { acceptedRecipient } from "./submitMessage";

/**
 * `dm3_getProfileExtension(name)`: what a sender must know before writing to `name` here — its spam
 * rules (its own, set with its current profile key, else its domain's), the encryption scheme, and
 * the message types its side takes (a bridge's virtual users take only what the bridge carries).
 * Only for names this relay accepts messages for (else {@link UnknownRecipientError}).
 */
export async function getProfileExtension(
  services: Pick<RelayServices, "db" | "relay" | "domains" | "directory" | "bridges">,
  name: unknown,
): Promise<ProfileExtension> {
  if (typeof name !== "string" || name.length === 0 || name.length > 255) throw new InvalidEnvelopeError("params[0] must be the recipient's ENS name");
  let recipient: string;
  try {
    recipient = normalize(name);
  } catch (cause) {
    throw new InvalidEnvelopeError(`"${name}" is not a valid ENS name`, { cause });
  }
  const { contact, gateway } = await acceptedRecipient(services, recipient);
  const rules = await findEffectiveSpamRules(services.db, recipient, contact.signedProfile.profile.publicSigningKey, gateway?.name);
  const bridge = services.bridges().find((candidate) => candidate.holds(recipient));
  return profileExtensionOf(rules, bridge?.supportedMessageTypes);
}
