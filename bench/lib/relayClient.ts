import { performance } from "node:perf_hooks";
import { x25519 } from "@noble/curves/ed25519";
import { ensureDevSecrets } from "../../scripts/stack/devVars";
import type { DemoUser } from "../../scripts/stack/seedDemo";
import type { Stack } from "../../scripts/stack/startStack";
import { signDetached } from "../../worker/src/protocol/dm3/asymmetric";
import { fromBase64, toBase64 } from "../../worker/src/protocol/dm3/base64";
import type { Dm3Envelope } from "../../worker/src/protocol/dm3/buildEnvelope";

/** An envelope as the relay hands it out: delivery information opened by the delivery service. */
type PickedUpEnvelope = { metadata: { encryptedMessageHash: string; deliveryInformation: { from: string } } };

/** The DS public encryption key, from the local secrets the stack's worker runs with. */
export async function deliveryServiceKey(): Promise<string> {
  const { dsEncryptionKey } = await ensureDevSecrets();
  return toBase64(x25519.getPublicKey(fromBase64(dsEncryptionKey)));
}

/** `dm3_submitMessage`; throws unless the relay accepted it. */
export async function submitEnvelope(stack: Stack, envelope: Dm3Envelope, headers: Record<string, string>): Promise<void> {
  const response = await fetch(`${stack.info.gatewayUrl}/rpc`, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", method: "dm3_submitMessage", params: [JSON.stringify(envelope)], id: 1 }),
  });
  if (response.status !== 200) throw new Error(`submit failed: ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
}

/** What emptying an inbox found. */
export type DrainedInbox = { hashes: string[]; acknowledged: number; pickupSeconds: number; ackSeconds: number };

/** Logs in as `user` (dm3 challenge), then picks up and acknowledges pages until the inbox is empty. */
export async function drainInbox(stack: Stack, user: DemoUser): Promise<DrainedInbox> {
  const base = stack.info.gatewayUrl;
  const challenge = (await (await fetch(`${base}/auth/${user.name}`)).json()) as string;
  const login = await fetch(`${base}/auth/${user.name}`, {
    method: "POST",
    body: JSON.stringify({ challenge, signature: signDetached(user.dm3.signing.privateKey, challenge) }),
  });
  const headers = { Authorization: `Bearer ${(await login.json()) as string}` };
  const drained: DrainedInbox = { hashes: [], acknowledged: 0, pickupSeconds: 0, ackSeconds: 0 };
  for (;;) {
    let started = performance.now();
    const page = (await (await fetch(`${base}/delivery/messages/incoming/${user.name}`, { headers })).json()) as PickedUpEnvelope[];
    drained.pickupSeconds += (performance.now() - started) / 1000;
    if (page.length === 0) return drained;
    drained.hashes.push(...page.map((item) => item.metadata.encryptedMessageHash));
    const acknowledgements = page.map((item) => ({ contactAddress: item.metadata.deliveryInformation.from, messageHash: item.metadata.encryptedMessageHash }));
    started = performance.now();
    const response = await fetch(`${base}/delivery/messages/${user.name}/syncAcknowledgements`, {
      method: "POST",
      headers,
      body: JSON.stringify({ acknowledgements }),
    });
    if (response.status !== 200) throw new Error(`acknowledge failed: ${response.status} ${await response.text()}`);
    drained.acknowledged += ((await response.json()) as { acknowledged: number }).acknowledged;
    drained.ackSeconds += (performance.now() - started) / 1000;
  }
}
