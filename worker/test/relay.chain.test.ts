/**
 * The relay and ENS on L1, inside workerd: which recipients need the chain, and what happens when
 * it cannot be read. (Names living on a real chain are tested end to end: test/e2e/network.test.ts.)
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { expect, test } from "vitest";
import worker from "../src/index";
import { buildEnvelope } from "../src/protocol/dm3/buildEnvelope";
import { generateDm3Keys } from "../src/protocol/dm3/keys";
import { signDetached } from "../src/protocol/dm3/asymmetric";
import { signUserProfile } from "../src/protocol/dm3/profile";
import { settingsOf } from "../src/settings/settingsOf";
import { adminPut, alice, expectError, registerDomain } from "./fixtures";

const relay = settingsOf(env).relay();
const keys = generateDm3Keys();
/** Nothing listens on the discard port: every RPC request fails to connect. */
const DEAD_RPC = "http://127.0.0.1:9";

async function callWith(vars: Partial<Env>, path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://gateway.test${path}`, init), { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

function submitTo(vars: Partial<Env>, to: string): Promise<Response> {
  const envelope = buildEnvelope({
    message: { message: "hi", metadata: { to, from: "sender.eth", timestamp: Date.now(), type: "NEW" } },
    to,
    from: "sender.eth",
    recipientEncryptionKey: keys.encryption.publicKey,
    deliveryServiceEncryptionKey: relay.encryption.publicKey,
    senderSigningKey: keys.signing.privateKey,
  });
  return callWith(vars, "/rpc", {
    method: "POST",
    body: JSON.stringify({ jsonrpc: "2.0", method: "dm3_submitMessage", params: [JSON.stringify(envelope)], id: 1 }),
  });
}

test("without L1_RPC_URL a name not served here is refused as unknown (the relay cannot know it)", async () => {
  const message = await expectError(await submitTo({ L1_RPC_URL: "" }, "someone.elsewhere.eth"), 404, "unknown_recipient");
  expect(message).toContain("someone.elsewhere.eth");
});

test("when the RPC fails, a recipient that needs the chain gets 502 chain_unavailable — never a refusal", async () => {
  const message = await expectError(await submitTo({ L1_RPC_URL: DEAD_RPC }, "nobody.elsewhere.eth"), 502, "chain_unavailable");
  expect(message).toContain("nobody.elsewhere.eth");
  // Challenge answers for such a name cannot be checked either.
  const challenge = (await (await callWith({ L1_RPC_URL: DEAD_RPC }, "/auth/nobody.elsewhere.eth")).json()) as string;
  const answer = await callWith({ L1_RPC_URL: DEAD_RPC }, "/auth/nobody.elsewhere.eth", {
    method: "POST",
    body: JSON.stringify({ challenge, signature: signDetached(keys.signing.privateKey, challenge) }),
  });
  await expectError(answer, 502, "chain_unavailable");
});

test("names served here are answered from D1 even when the RPC is down (no call to the chain, none to ourselves)", async () => {
  await registerDomain("served.eth");
  const profile = await signUserProfile(alice, {
    publicEncryptionKey: keys.encryption.publicKey,
    publicSigningKey: keys.signing.publicKey,
    deliveryServices: ["other-ds.eth"],
  });
  expect((await adminPut("/v1/names/carol.served.eth", { owner: alice.address, dm3Profile: profile })).status).toBe(200);
  const response = await submitTo({ L1_RPC_URL: DEAD_RPC }, "carol.served.eth");
  expect(response.status).toBe(200);
  // A served name without a profile is still unknown, also without asking the chain.
  await expectError(await submitTo({ L1_RPC_URL: DEAD_RPC }, "nobody.served.eth"), 404, "unknown_recipient");
});

test("a malformed L1_RPC_URL or ENS_REGISTRY is the deployment's fault (500 misconfigured)", async () => {
  await expectError(await submitTo({ L1_RPC_URL: "not a url" }, "x.elsewhere.eth"), 500, "misconfigured");
  await expectError(await submitTo({ L1_RPC_URL: DEAD_RPC, ENS_REGISTRY: "0x1234" }, "x.elsewhere.eth"), 500, "misconfigured");
});
