import { generateDm3Keys } from "../../worker/src/protocol/dm3/keys";

/** Fresh delivery-service secrets in the form the worker reads (`DS_SIGNING_KEY`, `DS_ENCRYPTION_KEY`). */
export function generateDeliveryServiceKeys(): { signingKey: string; encryptionKey: string; publicSigningKey: string; publicEncryptionKey: string } {
  const keys = generateDm3Keys();
  return {
    signingKey: keys.signing.privateKey,
    encryptionKey: keys.encryption.privateKey,
    publicSigningKey: keys.signing.publicKey,
    publicEncryptionKey: keys.encryption.publicKey,
  };
}
