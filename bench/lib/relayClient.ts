import { performance } from "node:perf_hooks";
import { x25519 } from "@noble/curves/ed25519";
import { createDeliveryServiceSession, type Dm3Envelope, submitEnvelope as submitToDeliveryService } from "../../sdk/src/index";
import { ensureDevSecrets } from "../../scripts/stack/devVars";
import type { DemoUser } from "../../scripts/stack/seedDemo";
import type { Stack } from "../../scripts/stack/startStack";
import { fromBase64, toBase64 } from "../../worker/src/protocol/dm3/base64";

/** The DS public encryption key, from the local secrets the stack's worker runs with. */
export async function deliveryServiceKey(): Promise<string> {
  const { dsEncryptionKey } = await ensureDevSecrets();
  return toBase64(x25519.getPublicKey(fromBase64(dsEncryptionKey)));
}

/** `dm3_submitMessage` of a built envelope to the stack's relay (the SDK's call); throws unless accepted. */
export function submitEnvelope(stack: Stack, envelope: Dm3Envelope, headers: Record<string, string>): Promise<void> {
  return submitToDeliveryService({ url: stack.info.gatewayUrl, envelope, headers });
}

/** What emptying an inbox found. */
export type DrainedInbox = { hashes: string[]; acknowledged: number; pickupSeconds: number; ackSeconds: number };

/** Logs in as `user` (the SDK's inbox session), then picks up and acknowledges pages until the inbox is empty. */
export async function drainInbox(stack: Stack, user: DemoUser): Promise<DrainedInbox> {
  const inbox = await createDeliveryServiceSession({ url: stack.info.gatewayUrl, name: user.name, signingKey: user.dm3.signing.privateKey });
  const drained: DrainedInbox = { hashes: [], acknowledged: 0, pickupSeconds: 0, ackSeconds: 0 };
  for (;;) {
    let started = performance.now();
    const page = await inbox.pickUp();
    drained.pickupSeconds += (performance.now() - started) / 1000;
    if (page.length === 0) return drained;
    drained.hashes.push(...page.map((item) => item.metadata.encryptedMessageHash ?? ""));
    started = performance.now();
    drained.acknowledged += await inbox.acknowledge(page);
    drained.ackSeconds += (performance.now() - started) / 1000;
  }
}
