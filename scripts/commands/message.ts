import { readFile } from "node:fs/promises";
import { defineCommand } from "citty";
import { createPublicClient, http } from "viem";
import {
  createDeliveryServiceSession,
  createDm3Message,
  type Dm3Keys,
  type EnsReader,
  openEnvelope,
  resolveDm3User,
  sendDm3Message,
  verifyDm3Message,
} from "../../sdk/src/index";
import { UsageError } from "../lib/cliErrors";
import { resolveTarget } from "../lib/stackConfig";

const chainFlags = {
  rpc: { type: "string", description: "JSON-RPC URL (default: .dev/stack.json, or $RPC_URL)" },
  registry: { type: "string", description: "ENS registry address (default: .dev/stack.json, or $ENS_REGISTRY)" },
} as const;

const keysFlag = {
  type: "string",
  required: true,
  description: "The name's DM3 private keys: a `profile create --out` file, or the local stack's .dev/demo-keys.json",
} as const;

/** `message send`: a DM3 message from a name whose keys you hold to any DM3 user, as a dm3 client sends it. */
const send = defineCommand({
  meta: { name: "send", description: "Send a DM3 message: resolve the recipient through ENS, encrypt, submit to every delivery service it lists" },
  args: {
    from: { type: "string", required: true, description: "The sender's ENS name" },
    to: { type: "string", required: true, description: "The recipient's ENS name" },
    text: { type: "string", required: true, description: "The message" },
    keys: keysFlag,
    ...chainFlags,
    json: { type: "boolean", description: "Print one JSON object to stdout" },
  },
  async run({ args }) {
    const keys = await readDm3Keys(args.keys, args.from);
    const ens = ensReader(args);
    const message = createDm3Message({ from: args.from, to: args.to, text: args.text, senderSigningKey: keys.signing.privateKey });
    const result = await sendDm3Message({ ens, message, senderSigningKey: keys.signing.privateKey });
    if (args.json) console.log(JSON.stringify(result));
    else console.log(`sent to ${result.to}: accepted by ${result.acceptedBy.join(", ")}`);
  },
});

/** `message read`: a name's waiting messages from its delivery services, opened and checked. */
const read = defineCommand({
  meta: { name: "read", description: "Read a name's waiting DM3 messages: log in to its delivery services, pick up, decrypt, check each sender's signature" },
  args: {
    name: { type: "positional", required: true, description: "The recipient's ENS name" },
    keys: keysFlag,
    ack: { type: "boolean", description: "Acknowledge what was read (the delivery service deletes it)" },
    ...chainFlags,
    json: { type: "boolean", description: "Print one JSON object to stdout" },
  },
  async run({ args }) {
    const keys = await readDm3Keys(args.keys, args.name);
    const ens = ensReader(args);
    const user = await resolveDm3User(ens, args.name);
    if (!user) throw new Error(`${args.name} has no DM3 profile on ENS`);
    const messages: { from: string; text: string; sentAtMs: number; signatureValid: boolean; deliveryService: string }[] = [];
    for (const deliveryService of user.deliveryServices) {
      const session = await createDeliveryServiceSession({ url: deliveryService.profile.url, name: args.name, signingKey: keys.signing.privateKey });
      const envelopes = await session.pickUp();
      for (const envelope of envelopes) {
        const { message } = openEnvelope(envelope, keys.encryption);
        const sender = await resolveDm3User(ens, message.metadata.from).catch(() => undefined);
        const signingKey = sender?.signedProfile.profile.publicSigningKey;
        messages.push({
          from: message.metadata.from,
          text: message.message ?? "",
          sentAtMs: message.metadata.timestamp,
          signatureValid: signingKey !== undefined && verifyDm3Message(message, signingKey),
          deliveryService: deliveryService.name,
        });
      }
      if (args.ack && envelopes.length > 0) await session.acknowledge(envelopes);
    }
    if (args.json) {
      console.log(JSON.stringify({ name: args.name, messages }));
      return;
    }
    if (messages.length === 0) console.log(`no messages for ${args.name}`);
    for (const message of messages) {
      console.log(`${message.from}\t${message.signatureValid ? "signed" : "SIGNATURE NOT VALID"}\t${message.text}`);
    }
  },
});

/** `message send|read`. */
export default defineCommand({ meta: { name: "message", description: "DM3 messages, as a dm3 client sends and reads them" }, subCommands: { send, read } });

function ensReader(flags: { rpc?: string | undefined; registry?: string | undefined }): EnsReader {
  const target = resolveTarget({ ...(flags.rpc && { rpc: flags.rpc }), ...(flags.registry && { registry: flags.registry }) });
  return { client: createPublicClient({ transport: http(target.rpcUrl, { retryCount: 0 }) }), registry: target.ensRegistry };
}

/**
 * The DM3 private keys of `name` from `file`: a `profile create --out` file (`{keys}`), or a list of
 * users with their names (`[{name, dm3}]`, as `npm start` writes .dev/demo-keys.json).
 */
async function readDm3Keys(file: string, name: string): Promise<Dm3Keys> {
  const content = JSON.parse(
    await readFile(file, "utf8").catch(() => {
      throw new UsageError(`cannot read the key file ${file}`);
    }),
  ) as unknown;
  const entries = Array.isArray(content) ? content : [content];
  const entry = (entries as { name?: string; keys?: Dm3Keys; dm3?: Dm3Keys }[]).find((item) => !Array.isArray(content) || item.name === name);
  const keys = entry?.keys ?? entry?.dm3;
  if (!keys?.signing?.privateKey || !keys.encryption?.privateKey) {
    throw new UsageError(`${file} holds no DM3 private keys${Array.isArray(content) ? ` for ${name}` : ""}`);
  }
  return keys;
}
