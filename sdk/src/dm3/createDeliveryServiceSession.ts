import { signDetached } from "../../../worker/src/protocol/dm3/asymmetric";
import type { NotificationView, SpamRulesInput, SpamRulesView } from "../../../worker/src/relay/apiTypes";
import type { DeliveredEnvelope } from "./messages";

/** A delivery service answered an inbox call with an error. */
export class DeliveryServiceError extends Error {
  override readonly name = "DeliveryServiceError";
  constructor(
    readonly status: number,
    readonly url: string,
    detail: string,
  ) {
    super(`${url} answered ${status}: ${detail}`);
  }
}

/**
 * A user's inbox at one delivery service (dm3's API): signs the challenge with the user's DM3
 * signing key, then picks up and acknowledges envelopes with the session token.
 *
 * @example
 * const inbox = await createDeliveryServiceSession({ url: ds.url, name: "bob.acme.eth", signingKey });
 * const envelopes = await inbox.pickUp();
 * await inbox.acknowledge(envelopes);
 */
export async function createDeliveryServiceSession(options: { url: string; name: string; signingKey: string; fetch?: typeof fetch }) {
  const send = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const base = options.url.replace(/\/$/, "");
  const name = encodeURIComponent(options.name);
  const call = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await send(`${base}${path}`, init);
    const text = await response.text();
    if (!response.ok) throw new DeliveryServiceError(response.status, `${base}${path}`, text.slice(0, 200));
    return JSON.parse(text) as T;
  };
  const challenge = await call<string>(`/auth/${name}`);
  const token = await call<string>(`/auth/${name}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ challenge, signature: signDetached(options.signingKey, challenge) }),
  });
  const authorized = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  return {
    /** The waiting envelopes, newest first (a page: acknowledge them to see older ones). */
    pickUp: () => call<DeliveredEnvelope[]>(`/delivery/messages/incoming/${name}`, { headers: authorized }),
    /** Deletes the envelopes at the delivery service; returns how many it removed. */
    acknowledge: async (envelopes: DeliveredEnvelope[]) => {
      const acknowledgements = envelopes.map((envelope) => ({
        contactAddress: envelope.metadata.deliveryInformation.from,
        messageHash: envelope.metadata.encryptedMessageHash ?? envelope.metadata.messageHash ?? "",
      }));
      const result = await call<{ acknowledged: number }>(`/delivery/messages/${name}/syncAcknowledgements`, {
        method: "POST",
        headers: authorized,
        body: JSON.stringify({ acknowledgements }),
      });
      return result.acknowledged;
    },
    /** The name's spam rules at this delivery service (its own, its domain's defaults, the ones that apply). */
    getSpamRules: () => call<SpamRulesView>(`/delivery/spam-rules/${name}`, { headers: authorized }),
    /** Sets the name's own spam rules (dm3's `minNonce`, `minBalance`, `minTokenBalance`); `{}` removes them. */
    setSpamRules: (rules: SpamRulesInput) =>
      call<SpamRulesView>(`/delivery/spam-rules/${name}`, { method: "PUT", headers: authorized, body: JSON.stringify(rules) }),
    /** Email notifications of new messages: the address, whether it is confirmed (404 `notifications_off` where the service sends none). */
    getNotifications: () => call<NotificationView>(`/delivery/notifications/${name}`, { headers: authorized }),
    /** Asks to be notified at `email`: the service mails a 6-digit code to it (nothing else until it is confirmed). */
    setNotificationEmail: (email: string) =>
      call<NotificationView>(`/delivery/notifications/${name}`, { method: "PUT", headers: authorized, body: JSON.stringify({ email }) }),
    /** Confirms the address with the mailed code. */
    confirmNotificationEmail: (code: string) =>
      call<NotificationView>(`/delivery/notifications/${name}/confirm`, { method: "POST", headers: authorized, body: JSON.stringify({ code }) }),
    /** Stops notifications and forgets the address. */
    removeNotifications: () => call<{ name: string; removed: boolean }>(`/delivery/notifications/${name}`, { method: "DELETE", headers: authorized }),
  };
}

/** An authenticated inbox, from {@link createDeliveryServiceSession}. */
export type DeliveryServiceSession = Awaited<ReturnType<typeof createDeliveryServiceSession>>;
