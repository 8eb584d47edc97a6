/**
 * Bounded storage for names served elsewhere: anyone can list this relay in an on-chain profile, so
 * such names get dm3's minimum TTL and a quota. The directory (ENS) is the boundary replaced here —
 * names really on chain are tested end to end (test/e2e/network.test.ts); D1 and the use case are real.
 */
import { env } from "cloudflare:test";
import { expect, test } from "vitest";
import { createServices } from "../src/app/services";
import { generateDm3Keys } from "../src/protocol/dm3/keys";
import { signUserProfile } from "../src/protocol/dm3/profile";
import { RecipientQuotaExceededError } from "../src/relay/errors";
import { submitMessage } from "../src/relay/submitMessage";
import { alice, envelopeFromElsewhere } from "./fixtures";

const DAY_MS = 24 * 60 * 60 * 1000;

async function foreignRecipient(name: string, quota: { messages: number; bytes: number }) {
  const base = createServices(env);
  const relay = base.relay();
  const keys = generateDm3Keys();
  const signedProfile = await signUserProfile(alice, {
    publicEncryptionKey: keys.encryption.publicKey,
    publicSigningKey: keys.signing.publicKey,
    deliveryServices: [relay.dsName],
  });
  const nowMs = 1_764_835_200_000;
  const services = {
    ...base,
    clock: { nowMs: () => nowMs, nowSeconds: () => nowMs / 1000 },
    relay: () => ({ ...relay, foreign: { ...relay.foreign, quotaMessages: quota.messages, quotaBytes: quota.bytes } }),
    // The name lives on chain elsewhere and lists this relay.
    directory: { ...base.directory, profile: async (asked: string) => (asked === name ? { name, signedProfile, servedHere: false } : undefined) },
  };
  const envelopeJson = (text: string) => JSON.stringify(envelopeFromElsewhere(name, keys.encryption.publicKey, text));
  const stored = () =>
    env.DB.prepare("SELECT count(*) AS n, min(expires_at_ms) AS expires FROM messages WHERE recipient = ?").bind(name).first<{ n: number; expires: number }>();
  return { services, envelopeJson, stored, nowMs };
}

test("a name served elsewhere keeps its messages dm3's 30 days, and its N+1th message is refused with the named error, nothing stored", async () => {
  const { services, envelopeJson, stored, nowMs } = await foreignRecipient("quota.elsewhere.eth", { messages: 3, bytes: 10_000_000 });
  for (let index = 0; index < 3; index++) await submitMessage(services, envelopeJson(`m${index}`));
  expect(await stored()).toEqual({ n: 3, expires: nowMs + 30 * DAY_MS });
  await expect(submitMessage(services, envelopeJson("one too many"))).rejects.toBeInstanceOf(RecipientQuotaExceededError);
  expect((await stored())?.n).toBe(3);
});

test("the byte quota counts too", async () => {
  const { services, envelopeJson, stored } = await foreignRecipient("bytes.elsewhere.eth", { messages: 1_000, bytes: 12_000 });
  await submitMessage(services, envelopeJson("fits"));
  await expect(submitMessage(services, envelopeJson("x".repeat(12_000)))).rejects.toThrow(/holds the most messages this relay keeps/);
  expect((await stored())?.n).toBe(1);
});
