import { env } from "cloudflare:test";
import { namehash } from "viem/ens";
import { beforeAll, describe, expect, test } from "vitest";
import { createDatabase } from "../db/client";
import { upsertDomain } from "../db/domains";
import { deleteNameStatements, replaceNameStatements } from "../db/nameWrites";
import { StaleNonceError } from "./errors";
import { writeAudited } from "./writeAudited";

const db = createDatabase(env.DB);
const OWNER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const entry = (texts: Record<string, string>) => ({
  node: namehash("n.nonce.eth"),
  name: "n.nonce.eth",
  domain: "nonce.eth",
  ownerAddress: OWNER,
  contenthash: null,
  texts,
  addresses: {},
});
const context = { db, actor: "test", nowSeconds: 1_800_000_000 };
const audit = { action: "name.put", domain: "nonce.eth", subject: "n.nonce.eth" };
const auditRows = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE domain = 'nonce.eth'").first<{ n: number }>())?.n;
const lastNonce = () => env.DB.prepare("SELECT nonce FROM name_nonces WHERE node = ?").bind(namehash("n.nonce.eth")).first<number>("nonce");
const storedText = async () => env.DB.prepare("SELECT value FROM text_records WHERE node = ?").bind(namehash("n.nonce.eth")).first<string>("value");

beforeAll(async () => {
  await upsertDomain(db, { name: "nonce.eth", resolverAddress: OWNER, chainId: 1, allowAddressNames: false, createdAtSeconds: 1 });
  await writeAudited(
    context,
    replaceNameStatements(db, entry({ v: "5" }), { nowSeconds: 1, nowMs: 1_000, lifecycle: [], proof: { ownerProof: 0, nonce: 5 } }),
    audit,
  );
});

describe("the nonce trigger and audited writes", () => {
  test("abort the whole batch, audit row included, when the nonce does not increase", async () => {
    for (const nonce of [5, 4]) {
      await expect(
        writeAudited(
          context,
          replaceNameStatements(db, entry({ v: `stale ${nonce}` }), { nowSeconds: 2, nowMs: 2_000, lifecycle: [], proof: { ownerProof: 0, nonce } }),
          audit,
        ),
      ).rejects.toThrow(StaleNonceError);
    }
    expect(await storedText()).toBe("5");
    expect(await auditRows()).toBe(1);
  });

  test("commit everything when the nonce increases", async () => {
    await writeAudited(
      context,
      replaceNameStatements(db, entry({ v: "6" }), { nowSeconds: 3, nowMs: 3_000, lifecycle: [], proof: { ownerProof: 0, nonce: 6 } }),
      audit,
    );
    expect(await storedText()).toBe("6");
    expect(await auditRows()).toBe(2);
  });

  test("leave the nonce alone on writes without one (service writes)", async () => {
    await writeAudited(context, replaceNameStatements(db, entry({ v: "service" }), { nowSeconds: 4, nowMs: 4_000, lifecycle: [] }), audit);
    expect(await lastNonce()).toBe(6);
  });

  test("keep a name's last nonce when the name is deleted, so the nonce never works again", async () => {
    await writeAudited(
      context,
      deleteNameStatements(db, { node: namehash("n.nonce.eth"), name: "n.nonce.eth" }, { nowSeconds: 5, nowMs: 5_000, lifecycle: [] }),
      audit,
    );
    expect(await storedText()).toBeNull();
    expect(await lastNonce()).toBe(6);
    await expect(
      writeAudited(
        context,
        replaceNameStatements(db, entry({ v: "again" }), { nowSeconds: 5, nowMs: 5_000, lifecycle: [], proof: { ownerProof: 0, nonce: 6 } }),
        audit,
      ),
    ).rejects.toThrow(StaleNonceError);
    expect(await storedText()).toBeNull();
  });
});
