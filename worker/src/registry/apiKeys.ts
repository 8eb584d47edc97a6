import { bytesToHex } from "viem";
import { apiKeyInsert, apiKeyRevoke, findApiKey, listApiKeys } from "../db/apiKeys";
import type { Database } from "../db/client";
import { API_KEY_PREFIX, hashApiKey } from "../shared/authenticate";
import { ApiKeyNotFoundError } from "./errors";
import { type AuditedWrite, writeAudited } from "./writeAudited";

const SECRET_BYTES = 32;
const ID_BYTES = 8;

/** A key as listed: never the secret or its hash. */
import type { ApiKeyView } from "./apiTypes";

export type { ApiKeyView };

/** Creates a key for `domain`. The returned `key` is shown once; only its hash is stored. */
export async function createApiKey(
  context: AuditedWrite,
  domain: string,
  input: { label: string; expiresAtSeconds?: number | undefined },
): Promise<ApiKeyView & { key: string }> {
  const id = bytesToHex(crypto.getRandomValues(new Uint8Array(ID_BYTES))).slice(2);
  const secret = base64Url(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
  const key = `${API_KEY_PREFIX}${id}_${secret}`;
  const row = {
    id,
    domain,
    label: input.label,
    secretHash: hashApiKey(key),
    createdAtSeconds: context.nowSeconds,
    expiresAtSeconds: input.expiresAtSeconds ?? null,
    revokedAtSeconds: null,
  };
  await writeAudited(context, [apiKeyInsert(context.db, row)], {
    action: "key.create",
    domain,
    subject: id,
    detail: { label: input.label, expiresAtSeconds: row.expiresAtSeconds },
  });
  return { ...toView(row), key };
}

/** The domain's keys, without secrets. */
export async function listDomainApiKeys(db: Database, domain: string): Promise<ApiKeyView[]> {
  return (await listApiKeys(db, domain)).map(toView);
}

/** Revokes key `id`; it stops working at once. */
export async function revokeApiKey(context: AuditedWrite, id: string): Promise<ApiKeyView> {
  const row = await findApiKey(context.db, id);
  if (!row) throw new ApiKeyNotFoundError(id);
  await writeAudited(context, [apiKeyRevoke(context.db, id, context.nowSeconds)], { action: "key.revoke", domain: row.domain, subject: id });
  return toView({ ...row, revokedAtSeconds: row.revokedAtSeconds ?? context.nowSeconds });
}

function toView(row: ApiKeyView & { secretHash?: string }): ApiKeyView {
  const { id, domain, label, createdAtSeconds, expiresAtSeconds, revokedAtSeconds } = row;
  return { id, domain, label, createdAtSeconds, expiresAtSeconds, revokedAtSeconds };
}

function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
