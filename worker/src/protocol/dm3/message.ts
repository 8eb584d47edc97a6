import { sha256, stringToBytes } from "viem";
import { decryptAsymmetric, parseEncryptedPayload, signDetached, verifyDetached } from "./asymmetric";
import { stringify } from "./stringify";

/** A DM3 message as dm3-lib-messaging 1.7 builds it (`createMessage`): signed by the sender. */
export type Dm3Message = {
  message: string;
  /** URIs (dm3's clients send `data:` URIs). */
  attachments?: string[];
  metadata: { type: string; to: string; from: string; timestamp: number; referenceMessageHash?: string };
  signature: string;
};

/**
 * A signed message from `from` to `to`, byte for byte as dm3-lib-messaging's `createMessage`
 * (`type` "NEW") or `createReplyMessage` ("REPLY" with `referenceMessageHash`): the sender's
 * Ed25519 signature over `stringify` of the message without its signature.
 */
export function createDm3Message(options: {
  from: string;
  to: string;
  text: string;
  senderSigningKey: string;
  timestampMs?: number;
  attachments?: string[];
  referenceMessageHash?: string;
}): Dm3Message {
  const unsigned = {
    message: options.text,
    ...(options.attachments?.length ? { attachments: options.attachments } : {}),
    metadata: {
      ...(options.referenceMessageHash ? { referenceMessageHash: options.referenceMessageHash } : {}),
      type: options.referenceMessageHash ? "REPLY" : "NEW",
      to: options.to,
      from: options.from,
      timestamp: options.timestampMs ?? Date.now(),
    },
  };
  return { ...unsigned, signature: signDetached(options.senderSigningKey, stringify(unsigned)) };
}

/** Whether `message` carries a valid signature by `publicSigningKey` (the sender's profile key). */
export function verifyDm3Message(message: Dm3Message, publicSigningKey: string): boolean {
  const { signature, ...unsigned } = message;
  return verifyDetached(publicSigningKey, stringify(unsigned), signature);
}

/** The hash a DM3 message is referred to by (a reply's `referenceMessageHash`): SHA-256 of `stringify(message)`. */
export function dm3MessageHash(message: Dm3Message): string {
  return sha256(stringToBytes(stringify(message)));
}

/** An envelope as a delivery service hands it out (or a gateway-mode webhook receives it). */
export type DeliveredEnvelope = {
  message: string;
  metadata: { deliveryInformation: { to: string; from: string }; encryptedMessageHash?: string; messageHash?: string };
  postmark?: string;
};

/** A delivery service's postmark: when it took the envelope, signed with its key. */
export type Postmark = { messageHash: string; incommingTimestamp: number; signature: string };

/** Opens a delivered envelope with the recipient's encryption keys: the message and the postmark. */
export function openEnvelope(
  envelope: DeliveredEnvelope,
  encryptionKeys: { publicKey: string; privateKey: string },
): { message: Dm3Message; postmark?: Postmark; id: string } {
  const message = JSON.parse(decryptAsymmetric(encryptionKeys, parseEncryptedPayload(envelope.message))) as Dm3Message;
  const postmark = envelope.postmark ? (JSON.parse(decryptAsymmetric(encryptionKeys, parseEncryptedPayload(envelope.postmark))) as Postmark) : undefined;
  const id = envelope.metadata.encryptedMessageHash ?? envelope.metadata.messageHash ?? "";
  return { message, ...(postmark && { postmark }), id };
}
