/**
 * The name page's browser side (built into public/assets/name-page.js; never part of the worker):
 * checks the shown records against what ENS resolves on chain (the resolver contract, CCIP-Read to
 * this gateway, its signature verified by the contract), and lets the owner edit the name with an
 * injected wallet (EIP-1193): new DM3 keys are made here and kept only by the user; the write is
 * the registry's owner-signed EIP-712 write, through the SDK.
 */
import { type Address, createPublicClient, createWalletClient, custom, type EIP1193Provider, getAddress, type Hex, http, isHex, type WalletClient } from "viem";
import {
  createRegistryClient,
  fetchProfileJson,
  generateDm3Keys,
  type NameView,
  profileSignatureMessage,
  readProfileRecord,
  RegistryApiError,
  resolveRecord,
  type SignedUserProfile,
} from "../sdk/src/index";
import type { NamePageData } from "../worker/src/pages/NamePageData";
import { DM3_PROFILE_TEXT_KEY } from "../worker/src/protocol/dm3/profile";

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const data = JSON.parse(element("page-data").textContent ?? "{}") as NamePageData;
const ethereum = (window as { ethereum?: EIP1193Provider }).ethereum;
const registry = createRegistryClient({ url: location.origin });

function say(id: string, text: string, tone?: "ok" | "bad") {
  const target = element(id);
  target.textContent = text;
  target.className = tone ?? "muted";
}

/**
 * EIP-3668's gateway request (as viem's), bypassing the browser's HTTP cache: gateway answers are
 * cacheable for minutes, and this check is about what the chain and gateway say now (e.g. right
 * after the owner's edit). A 4xx stops, a 5xx tries the next URL.
 */
async function freshCcipRequest({ data, sender, urls }: { data: Hex; sender: Address; urls: readonly string[] }): Promise<Hex> {
  let lastError = "no gateway URL";
  for (const url of urls) {
    const target = url.replace("{sender}", sender.toLowerCase()).replace("{data}", data);
    const init: RequestInit = url.includes("{data}")
      ? { cache: "no-store" }
      : { method: "POST", cache: "no-store", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ data, sender }) };
    const response = await fetch(target, init);
    if (response.ok) {
      const answer = (await response.json()) as { data?: unknown };
      if (typeof answer.data === "string" && isHex(answer.data)) return answer.data;
      lastError = `${target} answered without data`;
    } else {
      lastError = `${target} answered ${response.status}`;
      if (response.status < 500) break;
    }
  }
  throw new Error(`The gateway did not answer: ${lastError}`);
}

/** Resolves every shown record through ENS on chain and says whether they match. */
async function verifyOnChain(): Promise<void> {
  const transport = data.rpcUrl ? http(data.rpcUrl) : ethereum ? custom(ethereum) : undefined;
  if (!transport || !data.ensRegistry) return say("chain-check", "Not checked on chain: no wallet here, and this registry names no public RPC.");
  say("chain-check", "Checking on chain…");
  const client = createPublicClient({ transport, ccipRead: { request: freshCcipRequest } });
  const registryAddress = data.ensRegistry as Address;
  try {
    const differing: string[] = [];
    for (const [key, expected] of Object.entries(data.texts)) {
      if ((await resolveRecord(client, registryAddress, data.name, { kind: "text", key })) !== expected) differing.push(key);
    }
    const eth = data.addresses["60"];
    if (eth && (await resolveRecord(client, registryAddress, data.name, { kind: "addr" })) !== getAddress(eth)) differing.push("ETH address");
    if (data.dm3Profile) {
      // Any form dm3 allows (data:, a dm3Hash URL, ipfs:// through the registry's IPFS gateway), as DM3 clients read it.
      const record = String(await resolveRecord(client, registryAddress, data.name, { kind: "text", key: DM3_PROFILE_TEXT_KEY }));
      const onChain = (await readProfileRecord(record, { fetchJson: fetchProfileJson, ipfsGateway: data.ipfsGateway || undefined })) as
        | SignedUserProfile
        | undefined;
      if (onChain?.signature !== data.dm3Profile.signature) differing.push("DM3 profile");
    }
    if (differing.length > 0) return say("chain-check", `✗ On chain this name resolves differently: ${differing.join(", ")}`, "bad");
    say("chain-check", "✓ Verified on chain: ENS resolves these records through the name's resolver (CCIP-Read, signature checked by the contract).", "ok");
  } catch (error) {
    say("chain-check", `Could not check on chain: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, "bad");
  }
}

const lines = (entries: Record<string, string>) =>
  Object.entries(entries)
    .map(([key, value]) => `${key}=${value}`)
    .join("\n");

/** `key=value` lines → an object, or an error naming the line. */
function parseLines(text: string, what: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const [index, line] of text.split("\n").entries()) {
    if (!line.trim()) continue;
    const separator = line.indexOf("=");
    if (separator <= 0) throw new Error(`${what}, line ${index + 1}: write key=value`);
    entries[line.slice(0, separator).trim()] = line.slice(separator + 1).trim();
  }
  return entries;
}

function renderRows(tableId: string, entries: Record<string, string>, empty: string) {
  const body = element<HTMLTableSectionElement>(tableId);
  body.replaceChildren();
  const pairs = Object.entries(entries);
  if (pairs.length === 0) {
    const row = body.insertRow();
    const cell = row.insertCell();
    cell.colSpan = 2;
    cell.className = "muted";
    cell.textContent = empty;
  }
  for (const [key, value] of pairs) {
    const row = body.insertRow();
    const head = document.createElement("th");
    head.scope = "row";
    const code = document.createElement("code");
    code.textContent = key;
    head.append(code);
    row.append(head);
    const cell = row.insertCell();
    cell.className = "mono";
    cell.textContent = value;
  }
}

let wallet: WalletClient | undefined;
let account: Address | undefined;
let newProfile: SignedUserProfile | undefined;

element<HTMLTextAreaElement>("texts").value = lines(data.texts);
element<HTMLTextAreaElement>("addresses").value = lines(data.addresses);
element<HTMLInputElement>("delivery-service").value = data.deliveryService;

element("connect").addEventListener("click", async () => {
  if (!ethereum) return say("wallet", "No wallet found in this browser (an EIP-1193 provider, e.g. a browser extension).", "bad");
  try {
    const [first] = (await ethereum.request({ method: "eth_requestAccounts" })) as Address[];
    if (!first) return say("wallet", "The wallet shared no account.", "bad");
    account = getAddress(first);
    wallet = createWalletClient({ account, transport: custom(ethereum) });
    element<HTMLFieldSetElement>("edit-fields").disabled = false;
    if (account === getAddress(data.owner)) say("wallet", `Connected ${account}, the owner.`, "ok");
    else say("wallet", `Connected ${account}, which is not the owner (${data.owner}): the registry will refuse its signature.`, "bad");
  } catch (error) {
    say("wallet", `The wallet did not connect: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, "bad");
  }
});

element("new-keys").addEventListener("click", async () => {
  if (!wallet || !account) return;
  try {
    const keys = generateDm3Keys();
    const deliveryService = element<HTMLInputElement>("delivery-service").value.trim();
    const profile = {
      publicEncryptionKey: keys.encryption.publicKey,
      publicSigningKey: keys.signing.publicKey,
      deliveryServices: deliveryService ? [deliveryService] : [],
    };
    const signature = await wallet.signMessage({ account, message: profileSignatureMessage(profile, account) });
    newProfile = { profile, signature };
    element<HTMLTextAreaElement>("new-key-secrets").value = JSON.stringify({ signingKey: keys.signing.privateKey, encryptionKey: keys.encryption.privateKey });
    say("edit-status", "New DM3 keys created and signed. Save the private keys above, then sign and save the name.", "ok");
  } catch (error) {
    say("edit-status", explain(error), "bad");
  }
});

element<HTMLFormElement>("edit").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!wallet) return say("edit-status", "Connect the owner's wallet first.", "bad");
  let texts: Record<string, string>;
  let addresses: Record<string, string>;
  try {
    texts = parseLines(element<HTMLTextAreaElement>("texts").value, "Text records");
    addresses = parseLines(element<HTMLTextAreaElement>("addresses").value, "Addresses");
  } catch (error) {
    return say("edit-status", explain(error), "bad");
  }
  say("edit-status", "Waiting for the wallet's signature…");
  try {
    const records = {
      owner: data.owner as Address,
      texts,
      addresses,
      contenthash: data.contenthash as `0x${string}` | null,
      dm3Profile: newProfile ?? data.dm3Profile,
    };
    const view = (await registry.signedWrite(data.name, wallet, { action: "put", records })) as NameView;
    Object.assign(data, { texts: view.texts, addresses: view.addresses, dm3Profile: view.dm3Profile });
    newProfile = undefined;
    renderRows("texts-table", view.texts, "No text records.");
    renderRows("addresses-table", view.addresses, "No addresses.");
    say("edit-status", "✓ Saved. The registry now serves the new records.", "ok");
    await verifyOnChain();
  } catch (error) {
    say("edit-status", explain(error), "bad");
  }
});

/** What went wrong, in words for the person at the wallet. */
function explain(error: unknown): string {
  if (error instanceof RegistryApiError) {
    if (error.code === "forbidden") return `Refused: ${error.shortMessage}. Connect the wallet of ${data.owner}.`;
    if (error.code === "stale_nonce") return "Refused: another write to this name came first. Reload the page and try again.";
    if (error.code === "signature_expired") return "Refused: the signature expired before it arrived. Sign again.";
    return `Refused: ${error.shortMessage}`;
  }
  const walletError = error as { code?: number; message?: string };
  if (walletError.code === 4001 || /reject|denied/i.test(walletError.message ?? "")) return "You declined to sign: nothing was changed.";
  return error instanceof Error ? (error.message.split("\n")[0] ?? "Something went wrong.") : String(error);
}

void verifyOnChain();
