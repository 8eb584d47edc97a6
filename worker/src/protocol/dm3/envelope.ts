import * as z from "zod";

/** dm3's EncryptionEnvelop as `dm3_submitMessage` carries it (unknown fields are kept). */
export const EncryptionEnvelopeSchema = z.looseObject({
  message: z.string().min(1),
  metadata: z.looseObject({
    version: z.string(),
    encryptionScheme: z.string().optional(),
    deliveryInformation: z.string().min(1),
    encryptedMessageHash: z.string().min(1).optional(),
    messageHash: z.string().min(1).optional(),
    signature: z.string(),
  }),
  postmark: z.string().optional(),
});
export type EncryptionEnvelope = z.output<typeof EncryptionEnvelopeSchema>;

/** dm3's delivery information: who the envelope is for and from (ENS names). */
export const DeliveryInformationSchema = z.looseObject({ to: z.string().min(1), from: z.string().min(1) });
export type DeliveryInformation = z.output<typeof DeliveryInformationSchema>;

/** The id the recipient acknowledges: encryptedMessageHash (dm3-lib 1.7) or messageHash (older clients). */
export function envelopeMessageHash(envelope: EncryptionEnvelope): string | undefined {
  return envelope.metadata.encryptedMessageHash ?? envelope.metadata.messageHash;
}
