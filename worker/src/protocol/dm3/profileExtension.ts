import type { SpamRules } from "./spamRules";

/** Every dm3 message type (dm3-lib-messaging 1.7 `MessageType`). */
export const DM3_MESSAGE_TYPES = ["NEW", "DELETE_REQUEST", "EDIT", "REPLY", "REACTION", "READ_OPENED", "READ_RECEIVED", "RESEND_REQUEST"] as const;

/** dm3's default (and, for now, only) encryption scheme. */
export const DM3_ENCRYPTION_SCHEME = "x25519-chacha20-poly1305";

/**
 * A recipient's profile extension as `dm3_getProfileExtension` answers it: the fields of dm3's
 * specification (`minNonce`, `minBalance`, `minBalanceTokenAddress`, `encryptionAlgorithm`,
 * `supportedMessageTypes`), dm3's implementation's `notSupportedMessageTypes`, and ours:
 * `minTokenBalance` when a recipient asks for both an ETH and a token balance.
 *
 * @see https://github.com/dm3-org/dm3-spec/blob/1097153117c108163e108b7f18649f4a4a1a8eb6/docs/specification/message-transport/mtp-deliveryservice-api.md
 */
export type ProfileExtension = {
  minNonce?: string;
  minBalance?: string;
  minBalanceTokenAddress?: string;
  encryptionAlgorithm: string[];
  supportedMessageTypes: string[];
  notSupportedMessageTypes: string[];
  minTokenBalance?: { address: string; amount: string };
};

/**
 * The profile extension of a recipient with spam `rules` whose client (or bridge) takes
 * `supportedMessageTypes` (`NEW` always included, as the specification requires). The
 * specification has one balance: in ETH, or in the token `minBalanceTokenAddress`; a recipient who
 * asks for both gets ETH there and the token in `minTokenBalance`.
 */
export function profileExtensionOf(rules: SpamRules | undefined, supportedMessageTypes: readonly string[] = DM3_MESSAGE_TYPES): ProfileExtension {
  const supported = [...new Set(["NEW", ...supportedMessageTypes])];
  const extension: ProfileExtension = {
    encryptionAlgorithm: [DM3_ENCRYPTION_SCHEME],
    supportedMessageTypes: supported,
    notSupportedMessageTypes: DM3_MESSAGE_TYPES.filter((type) => !supported.includes(type)),
  };
  if (rules?.minNonce !== undefined) extension.minNonce = String(rules.minNonce);
  const token = rules?.minTokenBalance;
  if (rules?.minBalance !== undefined) {
    extension.minBalance = rules.minBalance;
    if (token) extension.minTokenBalance = { address: token.address, amount: token.amount };
  } else if (token) {
    extension.minBalance = token.amount;
    extension.minBalanceTokenAddress = token.address;
  }
  return extension;
}
