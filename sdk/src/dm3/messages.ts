import type { LocalAccount } from "viem";
import { buildEnvelope, type Dm3Envelope } from "../../../worker/src/protocol/dm3/buildEnvelope";
import { generateDm3Keys } from "../../../worker/src/protocol/dm3/keys";
import { type SignedUserProfile, signUserProfile } from "../../../worker/src/protocol/dm3/profile";
import type { Dm3Message } from "../../../worker/src/protocol/dm3/message";
import { type EnsReader, resolveDm3User } from "../../../worker/src/protocol/dm3/resolveDm3";
import { requestProfileExtension, submitEnvelope } from "../../../worker/src/protocol/dm3/submitEnvelope";

/** A user's DM3 key pairs (base64; signing = Ed25519 seed ‖ public key, encryption = X25519). */
export type Dm3Keys = ReturnType<typeof generateDm3Keys>;

/**
 * Fresh DM3 keys and the profile that publishes them, signed by `wallet` the way dm3's clients
 * sign it: store `keys` with the user (they are theirs), publish `signedUserProfile`.
 */
export async function createDm3Profile(
  wallet: LocalAccount,
  options: { deliveryServices: string[] },
): Promise<{ signedUserProfile: SignedUserProfile; keys: Dm3Keys }> {
  const keys = generateDm3Keys();
  const signedUserProfile = await signUserProfile(wallet, {
    publicEncryptionKey: keys.encryption.publicKey,
    publicSigningKey: keys.signing.publicKey,
    deliveryServices: options.deliveryServices,
  });
  return { signedUserProfile, keys };
}

/** A delivery service refused or could not take an envelope. */
export type DeliveryRefusal = { deliveryService: string; url: string; error: string };

/** Where a message went: accepted by at least one delivery service (the others' refusals listed). */
export type SendResult = { to: string; acceptedBy: string[]; refused: DeliveryRefusal[] };

/** No delivery service of the recipient took the message (or the recipient has no DM3 profile). */
export class Dm3SendError extends Error {
  override readonly name = "Dm3SendError";
  constructor(
    readonly to: string,
    readonly refused: DeliveryRefusal[],
  ) {
    super(
      refused.length === 0
        ? `${to} has no DM3 profile with a reachable delivery service: keep the message and retry later`
        : `No delivery service of ${to} accepted the message: ${refused.map((item) => `${item.deliveryService}: ${item.error}`).join("; ")}`,
    );
  }
}

/** One envelope per delivery service of the recipient, ready to submit (or to hand to a relay's outbound route). */
export type PreparedMessage = {
  from: string;
  to: string;
  envelopes: { deliveryService: string; url: string; envelope: Dm3Envelope }[];
};

/**
 * Resolves the recipient's profile and delivery services through ENS and builds one envelope per
 * delivery service (delivery information encrypted to that service), as dm3's clients do. Throws
 * {@link Dm3SendError} when the recipient has no profile with a resolvable delivery service.
 */
export async function prepareDm3Message(options: { ens: EnsReader; message: Dm3Message; senderSigningKey: string }): Promise<PreparedMessage> {
  const { to, from } = options.message.metadata;
  const recipient = await resolveDm3User(options.ens, to);
  if (!recipient || recipient.deliveryServices.length === 0) throw new Dm3SendError(to, []);
  return {
    from,
    to,
    envelopes: recipient.deliveryServices.map((ds) => ({
      deliveryService: ds.name,
      url: ds.profile.url,
      envelope: buildEnvelope({
        message: options.message,
        to,
        from,
        recipientEncryptionKey: recipient.signedProfile.profile.publicEncryptionKey,
        deliveryServiceEncryptionKey: ds.profile.publicEncryptionKey,
        senderSigningKey: options.senderSigningKey,
      }),
    })),
  };
}

/**
 * For a service in gateway mode: the message prepared ({@link prepareDm3Message}) as the relay's
 * outbound route takes it — hand it over with `registry.sendOutbound(domain, outbound)`, and the
 * relay delivers it (retries, maximum age, a `delivered`/`failed` webhook report).
 */
export async function prepareOutboundMessage(options: { ens: EnsReader; message: Dm3Message; senderSigningKey: string }) {
  const prepared = await prepareDm3Message(options);
  return { from: prepared.from, to: prepared.to, envelopes: prepared.envelopes.map(({ deliveryService, envelope }) => ({ deliveryService, envelope })) };
}

/**
 * Sends `message` the way dm3's clients do: {@link prepareDm3Message}, then, for every delivery
 * service in parallel, asks `dm3_getProfileExtension` whether the recipient takes this message type
 * there (a service that does not say is trusted) and POSTs the envelope to `{url}/rpc`
 * (`dm3_submitMessage`); succeeds when one accepts. Throws {@link Dm3SendError} when none does.
 */
export async function sendDm3Message(options: {
  ens: EnsReader;
  message: Dm3Message;
  senderSigningKey: string;
  fetch?: typeof fetch;
  headers?: Record<string, string>;
}): Promise<SendResult> {
  const prepared = await prepareDm3Message(options);
  const outcomes = await Promise.all(
    prepared.envelopes.map(
      async ({ deliveryService, url, envelope }): Promise<{ accepted: true; name: string } | { accepted: false; refusal: DeliveryRefusal }> => {
        try {
          // dm3's specification: a sender MUST NOT send a message type the recipient's side does not take.
          const extension = await requestProfileExtension({ url, name: prepared.to, ...(options.fetch && { fetch: options.fetch }) });
          const type = options.message.metadata.type;
          if (extension && !extension.supportedMessageTypes.includes(type)) {
            return {
              accepted: false,
              refusal: { deliveryService, url, error: `${prepared.to} does not take ${type} messages there (dm3_getProfileExtension)` },
            };
          }
          await submitEnvelope({ url, envelope, ...(options.headers && { headers: options.headers }), ...(options.fetch && { fetch: options.fetch }) });
          return { accepted: true, name: deliveryService };
        } catch (error) {
          return { accepted: false, refusal: { deliveryService, url, error: error instanceof Error ? error.message : String(error) } };
        }
      },
    ),
  );
  const acceptedBy = outcomes.flatMap((outcome) => (outcome.accepted ? [outcome.name] : []));
  const refused = outcomes.flatMap((outcome) => (outcome.accepted ? [] : [outcome.refusal]));
  if (acceptedBy.length === 0) throw new Dm3SendError(prepared.to, refused);
  return { to: prepared.to, acceptedBy, refused };
}

export type { Dm3Envelope };
export {
  createDm3Message,
  type DeliveredEnvelope,
  dm3MessageHash,
  type Dm3Message,
  openEnvelope,
  type Postmark,
  verifyDm3Message,
} from "../../../worker/src/protocol/dm3/message";
