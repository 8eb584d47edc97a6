import { encodeAbiParameters, type Hex } from "viem";
import type { RecordQuery } from "../protocol/ccip/decodeResolveCall";
import { DM3_DELIVERY_SERVICE_TEXT_KEY, encodeDeliveryServiceRecord } from "../protocol/dm3/deliveryService";
import type { RelaySettings } from "../settings/relaySettings";

const STRING_OUTPUT = [{ type: "string" }] as const;

/**
 * The gateway's view of the delivery service: `network.dm3.deliveryService` of `DS_NAME` is the
 * DS profile derived from the DS keys (so rotating keys updates the record), with `url` = `DS_URL`
 * (required: the answer is cached and served to everyone, so it never depends on the request).
 */
export function deliveryServiceRecord(dsName: string, relaySettings: () => RelaySettings): (name: string, record: RecordQuery) => Hex | undefined {
  return (name, record) => {
    if (!dsName || record.kind !== "text" || record.key !== DM3_DELIVERY_SERVICE_TEXT_KEY || name !== dsName) return undefined;
    const relay = relaySettings();
    const profile = {
      publicEncryptionKey: relay.encryption.publicKey,
      publicSigningKey: relay.signing.publicKey,
      url: relay.dsUrl,
    };
    return encodeAbiParameters(STRING_OUTPUT, [encodeDeliveryServiceRecord(profile)]);
  };
}
