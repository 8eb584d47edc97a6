import { sha256, stringToBytes } from "viem";
import { encryptAsymmetricToString, signDetached } from "./asymmetric";
import { stringify } from "./stringify";

/** A dm3 `EncryptionEnvelop` as dm3-lib-messaging 1.7 sends it to `dm3_submitMessage`. */
export type Dm3Envelope = {
  message: string;
  metadata: { version: "v1"; encryptionScheme: string; deliveryInformation: string; encryptedMessageHash: string; signature: string };
};

/**
 * Builds an envelope the way dm3-lib-messaging's `buildEnvelop` does (client side: the worker
 * never builds envelopes; tests, benchmarks and tools do): the message encrypted to the
 * recipient, the delivery information to the DS, `encryptedMessageHash = sha256(stringify(message))`
 * and the sender's Ed25519 signature over the metadata.
 */
export function buildEnvelope(options: {
  message: unknown;
  to: string;
  from: string;
  recipientEncryptionKey: string;
  deliveryServiceEncryptionKey: string;
  senderSigningKey: string;
}): Dm3Envelope {
  const message = encryptAsymmetricToString(options.recipientEncryptionKey, stringify(options.message));
  const metadata = {
    version: "v1" as const,
    encryptionScheme: "x25519-chacha20-poly1305",
    deliveryInformation: encryptAsymmetricToString(options.deliveryServiceEncryptionKey, stringify({ to: options.to, from: options.from })),
    encryptedMessageHash: sha256(stringToBytes(stringify(message))),
  };
  return { message, metadata: { ...metadata, signature: signDetached(options.senderSigningKey, stringify(metadata)) } };
}
