import * as z from "zod/mini";

/** dm3's EncryptionEnvelop as `dm3_submitMessage` carries it (unknown fields are kept). */
export const EncryptionEnvelopeSchema = z.looseObject({
  message: z.string().check(z.minLength(1)),
  metadata: z.looseObject({
    version: z.string(),
    encryptionScheme: z.optional(z.string()),
    deliveryInformation: z.string().check(z.minLength(1)),
    encryptedMessageHash: z.optional(z.string().check(z.minLength(1))),
    messageHash: z.optional(z.string().check(z.minLength(1))),
    signature: z.string(),
  }),
  postmark: z.optional(z.string()),
});
export type EncryptionEnvelope = z.output<typeof EncryptionEnvelopeSchema>;

/** dm3's delivery information: who the envelope is for and from (ENS names). */
export const DeliveryInformationSchema = z.looseObject({ to: z.string().check(z.minLength(1)), from: z.string().check(z.minLength(1)) });
export type DeliveryInformation = z.output<typeof DeliveryInformationSchema>;

/** The id the recipient acknowledges: encryptedMessageHash (dm3-lib 1.7) or messageHash (older clients). */
export function envelopeMessageHash(envelope: EncryptionEnvelope): string | undefined {
  return envelope.metadata.encryptedMessageHash ?? envelope.metadata.messageHash;
}
