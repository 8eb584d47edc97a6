/**
 * @dm3-registry/sdk — integrate a messaging service with the dm3 registry and the DM3 network:
 * a typed client for the registry's REST API, webhook verification for gateway mode, and DM3 for
 * services (profiles, ENS resolution with CCIP-Read, envelopes, sending, inboxes). Runs in
 * browsers, Workers and Node 22 (WebCrypto, fetch and viem; no Node-only APIs).
 */
export { createRegistryClient, type OutboundInput, type OutboundQuery, type RegistryClient, type RegistryClientOptions } from "./createRegistryClient";
export type { ApiKeyInput, BulkItemInput, ChangesQuery, DomainInput, ListQuery, NamePatchInput, NameRecordsInput, PageQuery } from "./createRegistryClient";
export { RegistryApiError, RegistryUnreachableError } from "./RegistryApiError";
export {
  parseWebhookDelivery,
  verifyWebhook,
  WEBHOOK_TOLERANCE_SECONDS,
  type WebhookDelivery,
  type WebhookMessage,
  type WebhookOutboundReport,
  type WebhookResolverReport,
  type WebhookRefusal,
  type WebhookVerification,
} from "./verifyWebhook";
export {
  createDm3Message,
  createDm3Profile,
  Dm3SendError,
  dm3MessageHash,
  openEnvelope,
  prepareDm3Message,
  prepareOutboundMessage,
  sendDm3Message,
  verifyDm3Message,
  type DeliveredEnvelope,
  type DeliveryRefusal,
  type Dm3Keys,
  type Dm3Message,
  type Postmark,
  type PreparedMessage,
  type SendResult,
} from "./dm3/messages";
export { createDeliveryServiceSession, DeliveryServiceError, type DeliveryServiceSession } from "./dm3/createDeliveryServiceSession";
export {
  readEnsAddress,
  readEnsText,
  resolveDeliveryService,
  resolveDm3Profile,
  resolveDm3User,
  type EnsReader,
  type ResolvedDeliveryService,
  type ResolvedDm3User,
} from "../../worker/src/protocol/dm3/resolveDm3";
export { findResolver, resolveRecord, resolveRecords, type RecordRequest } from "../../worker/src/protocol/ens/resolveRecord";
// The protocol core the worker itself runs on.
export { buildEnvelope, type Dm3Envelope } from "../../worker/src/protocol/dm3/buildEnvelope";
export { requestProfileExtension, SubmitRefusedError, submitEnvelope } from "../../worker/src/protocol/dm3/submitEnvelope";
export { decryptAsymmetric, encryptAsymmetric, signDetached, verifyDetached } from "../../worker/src/protocol/dm3/asymmetric";
export { generateDm3Keys } from "../../worker/src/protocol/dm3/keys";
export {
  decodeProfileRecord,
  encodeProfileRecord,
  profileSignatureMessage,
  signUserProfile,
  verifySignedUserProfile,
  type SignedUserProfile,
  type UserProfile,
} from "../../worker/src/protocol/dm3/profile";
export { stringify } from "../../worker/src/protocol/dm3/stringify";
// Bridges: the email bridge's naming rule, and ENS names as mailboxes at a bridge's mail domain.
export { EMAIL_BRIDGE_LABEL_PREFIX, emailBridgeName } from "../../worker/src/protocol/bridge/emailBridgeName";
export { ensNameOfMailbox, mailboxOfEnsName } from "../../worker/src/protocol/bridge/ensMailbox";
export { InvalidEmailAddressError } from "../../worker/src/protocol/bridge/errors";
export { normalizeEmailAddress } from "../../worker/src/protocol/bridge/normalizeEmailAddress";
export { nameWriteTypedData, signNameWrite, type NameWriteRequest } from "../../worker/src/protocol/nameWriteTypedData";
export {
  signWebhook,
  signWebhookBody,
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from "../../worker/src/protocol/webhookSignature";
export type {
  ApiKeyView,
  AuditItem,
  BulkResult,
  ChangesPage,
  ChangeView,
  CreatedApiKey,
  DomainInfo,
  NameSummary,
  NameView,
  NonceInfo,
  Page,
  WebhookQueueItem,
  WebhookSettings,
} from "../../worker/src/registry/apiTypes";
export type { HealthReport } from "../../worker/src/health/HealthReport";
export type { DomainSpamRulesView, NotificationView, OutboundMessageView, OutboundPage, SpamRulesInput, SpamRulesView } from "../../worker/src/relay/apiTypes";
export type { BridgeStatusView, BridgeUsersPage, OptInView, VirtualUserView } from "../../worker/src/bridge/apiTypes";
export { checkMailAuthentication, type MailAuthentication } from "../../worker/src/protocol/bridge/mailAuthentication";
export { parseDataUri, toDataUri, type DataUriFile } from "../../worker/src/protocol/bridge/dataUri";
export { DM3_MESSAGE_TYPES, type ProfileExtension, profileExtensionOf } from "../../worker/src/protocol/dm3/profileExtension";
export { fetchProfileJson, type ProfileFetcher, ProfileRecordError, readProfileRecord } from "../../worker/src/protocol/dm3/profileRecord";
