import { stringify } from "./stringify";
import { DM3_PROFILE_RECORD_PREFIX } from "./profile";

/** ENS text record key that carries a delivery service's profile. */
export const DM3_DELIVERY_SERVICE_TEXT_KEY = "network.dm3.deliveryService";

/** A delivery service's public profile (unsigned): its keys and the base URL of its API. */
export type DeliveryServiceProfile = { publicSigningKey: string; publicEncryptionKey: string; url: string };

/**
 * The `network.dm3.deliveryService` text record value.
 *
 * @example encodeDeliveryServiceRecord({ publicSigningKey, publicEncryptionKey, url: "https://ds.example" })
 */
export function encodeDeliveryServiceRecord(profile: DeliveryServiceProfile): string {
  return DM3_PROFILE_RECORD_PREFIX + stringify(profile);
}
