import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { type Address, encodeFunctionData, type Hex, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { namehash, packetToBytes } from "viem/ens";
import { expect } from "vitest";
import { offchainResolverAbi, recordResolverAbi } from "../src/abi";
import { buildEnvelope, type Dm3Envelope } from "../src/protocol/dm3/buildEnvelope";
import { generateDm3Keys } from "../src/protocol/dm3/keys";
import type { UserProfile } from "../src/protocol/dm3/profile";
import { settingsOf } from "../src/settings/settingsOf";
import { TEST_SECRETS } from "./testSecrets";

/** The signer the worker runs with in tests (see vitest.config.ts). */
export const gatewaySigner = privateKeyToAccount(TEST_SECRETS.SIGNER_PRIVATE_KEY);
export const ADMIN_TOKEN = TEST_SECRETS.ADMIN_TOKEN;
export const RESOLVER: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
export const SENDER: Address = "0x000000000000000000000000000000000000dEaD";

/** Hardhat's well-known account #2: a profile owner in tests. */
export const alice = privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");

/** Calls the worker under test. */
export function call(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`http://gateway.test${path}`, init));
}

/** Admin JSON write. */
export function adminPut(path: string, body: unknown, token: string = ADMIN_TOKEN): Promise<Response> {
  return call(path, {
    method: "PUT",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Registers `domain` behind {@link RESOLVER}. */
export async function registerDomain(domain: string, resolverAddress: Address = RESOLVER): Promise<void> {
  const response = await adminPut(`/v1/domains/${domain}`, { resolverAddress, chainId: 31337 });
  if (response.status !== 200) throw new Error(`domain setup failed: ${await response.text()}`);
}

/** Creates a service API key for `domain` (as the admin). */
export async function createKey(domain: string, body: Record<string, unknown> = { label: "test" }): Promise<{ id: string; key: string }> {
  const response = await call(`/v1/domains/${domain}/keys`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`key setup failed: ${await response.text()}`);
  return (await response.json()) as { id: string; key: string };
}

type RecordCall =
  | { functionName: "text"; key: string }
  | { functionName: "addr" }
  | { functionName: "addrByCoinType"; coinType: bigint }
  | { functionName: "contenthash" };

/** The `resolve(dnsName, recordCall)` call data a client sends for `name`. */
export function resolveCallData(name: string, record: RecordCall, node: Hex = namehash(name)): Hex {
  return encodeFunctionData({
    abi: offchainResolverAbi,
    functionName: "resolve",
    args: [toHex(packetToBytes(name)), recordCallData(record, node)],
  });
}

function recordCallData(record: RecordCall, node: Hex): Hex {
  switch (record.functionName) {
    case "text":
      return encodeFunctionData({ abi: recordResolverAbi, functionName: "text", args: [node, record.key] });
    case "addr":
      return encodeFunctionData({ abi: recordResolverAbi, functionName: "addr", args: [node] });
    case "addrByCoinType":
      return encodeFunctionData({ abi: recordResolverAbi, functionName: "addr", args: [node, record.coinType] });
    case "contenthash":
      return encodeFunctionData({ abi: recordResolverAbi, functionName: "contenthash", args: [node] });
  }
}

/** Asserts a JSON error answer `{message, code}` with `status`; returns the message. */
export async function expectError(response: Response, status: number, code: string): Promise<string> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { message: string; code: string };
  expect(body.code).toBe(code);
  expect(body.message.length).toBeGreaterThan(0);
  return body.message;
}

/** A DM3 profile with fixed (fake) keys, for tests that sign it with a test wallet. */
export const TEST_PROFILE: UserProfile = {
  publicEncryptionKey: "ZG0zLWVuY3J5cHRpb24ta2V5LWZvci10ZXN0cy0xMjM=",
  publicSigningKey: "ZG0zLXNpZ25pbmcta2V5LWZvci10ZXN0cy0wMTIzNDU=",
  deliveryServices: ["ds.demo.eth"],
};

/**
 * An envelope for `to` from a sender elsewhere (a throwaway signing key), encrypted for the
 * recipient's key and this relay's — what another delivery service's user sends here.
 */
export function envelopeFromElsewhere(to: string, recipientEncryptionKey: string, text: string, from = "sender.elsewhere.eth"): Dm3Envelope {
  return buildEnvelope({
    message: { message: text },
    to,
    from,
    recipientEncryptionKey,
    deliveryServiceEncryptionKey: settingsOf(env).relay().encryption.publicKey,
    senderSigningKey: generateDm3Keys().signing.privateKey,
  });
}
