/**
 * A messaging service on the dm3 registry, in one program (copy it): registers its domain and a
 * key, puts one of its users on DM3 with a profile, receives DM3 messages for its users at a
 * webhook (gateway mode) and checks their signature, sends a message to any DM3 user through the
 * relay's outbound queue (delivered, retried, reported to the webhook) and prints the reply.
 *
 *   DM3_REGISTRY_URL, DM3_ADMIN_TOKEN   the registry and its admin token
 *   RPC_URL [ENS_REGISTRY]              an L1 RPC (and, on a dev chain without ENS's UniversalResolver, its registry)
 *   SERVICE_DOMAIN RESOLVER CHAIN_ID    the service's parent name, already pointed at RESOLVER on the chain
 *   DELIVERY_SERVICE                    the delivery service its users list (e.g. ds.demo.eth)
 *   SEND_TO                             a DM3 user to write to
 */
import { createServer } from "node:http";
import { type Address, createPublicClient, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  createDm3Message,
  createDm3Profile,
  createRegistryClient,
  openEnvelope,
  parseWebhookDelivery,
  prepareOutboundMessage,
  resolveDm3Profile,
  verifyDm3Message,
  verifyWebhook,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from "@dm3-registry/sdk";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
};
const domain = env("SERVICE_DOMAIN");
const ens = {
  client: createPublicClient({ transport: http(env("RPC_URL")) }),
  ...(process.env.ENS_REGISTRY && { registry: process.env.ENS_REGISTRY as Address }),
};

// 1. The operator registers the domain and gives the service a key (once).
const admin = createRegistryClient({ url: env("DM3_REGISTRY_URL"), credential: env("DM3_ADMIN_TOKEN") });
await admin.putDomain(domain, { resolverAddress: env("RESOLVER") as Address, chainId: Number(env("CHAIN_ID")) });
const { key } = await admin.createKey(domain, { label: "gateway-service example" });

// 2. Gateway mode: DM3 messages for the service's users arrive at its webhook, HMAC-signed.
const replies: ((text: string) => void)[] = [];
const server = createServer(async (request, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  const check = await verifyWebhook({
    secret: webhookSecret,
    body,
    signature: request.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string,
    timestamp: request.headers[WEBHOOK_TIMESTAMP_HEADER.toLowerCase()] as string,
  });
  if (!check.valid) {
    response.writeHead(401).end(check.message);
    return;
  }
  response.writeHead(204).end();
  const delivery = parseWebhookDelivery(body);
  if ("outbound" in delivery) {
    console.log(
      `webhook: message ${delivery.outbound.id} to ${delivery.outbound.recipient} ${delivery.type}${delivery.outbound.lastError ? `: ${delivery.outbound.lastError}` : ""}`,
    );
    return;
  }
  if (delivery.type !== "message") {
    // The resolver guard: the domain's parent name lost (or got back) the resolver the gateway signs for.
    console.log(`webhook: ${delivery.domain}: ${delivery.problem ?? "resolves again"}${delivery.fix ? ` — fix: ${delivery.fix.description}` : ""}`);
    return;
  }
  const { message } = openEnvelope(delivery.envelope, user.keys.encryption);
  const sender = await resolveDm3Profile(ens, message.metadata.from);
  const signed = sender !== undefined && verifyDm3Message(message, sender.profile.publicSigningKey);
  console.log(`webhook: ${delivery.recipient} got "${message.message}" from ${message.metadata.from} (signature ${signed ? "valid" : "INVALID"})`);
  for (const resolve of replies.splice(0)) resolve(message.message);
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = (server.address() as { port: number }).port;
const { secret: webhookSecret } = await admin.setWebhook(domain, `http://127.0.0.1:${port}/dm3`);

// 3. The service puts a user on DM3: a wallet (here a fresh one), fresh DM3 keys, a signed profile.
const service = createRegistryClient({ url: env("DM3_REGISTRY_URL"), credential: key });
const wallet = privateKeyToAccount(generatePrivateKey());
const user = { name: `bob.${domain}`, ...(await createDm3Profile(wallet, { deliveryServices: [env("DELIVERY_SERVICE")] })) };
await service.putName(user.name, { owner: wallet.address, dm3Profile: user.signedUserProfile });
console.log(`registered ${user.name}`);

// 4. The user writes to any DM3 user: the user's client builds the envelopes (one per delivery
// service of the recipient), the service hands them to the relay, which delivers and reports back.
const reply = new Promise<string>((resolve) => replies.push(resolve));
const to = env("SEND_TO");
const message = createDm3Message({ from: user.name, to, text: "hello from the gateway example", senderSigningKey: user.keys.signing.privateKey });
const outbound = await prepareOutboundMessage({ ens, message, senderSigningKey: user.keys.signing.privateKey });
const { item } = await service.sendOutbound(domain, outbound);
console.log(`queued ${item.id} for ${to} (delivery services: ${item.deliveryServices.join(", ")})`);
const timeout = setTimeout(() => {
  console.error("no reply within 60 s");
  process.exit(1);
}, 60_000);
console.log(`reply: ${await reply}`);
clearTimeout(timeout);
server.close();
