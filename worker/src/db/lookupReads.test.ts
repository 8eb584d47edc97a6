import { env } from "cloudflare:test";
import { namehash } from "viem/ens";
import { describe, expect, test } from "vitest";
import { createDatabase, type Statement } from "./client";
import { domainWebhookUpdate, upsertDomain } from "./domains";
import { findAddressRecordsOfName, findContenthashOfName, findTextRecordOfName, listServedDomainRows } from "./lookupReads";
import { replaceNameStatements } from "./nameWrites";
import { domains } from "./schema";

const db = createDatabase(env.DB);
const RESOLVER = "0x00000000000000000000000000000000000000aa";
const OWNER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("the lookup's plain-SQL reads", () => {
  test("read the domains as drizzle does over schema.ts (policy, webhook and database included, no secret)", async () => {
    await upsertDomain(db, { name: "plain.eth", resolverAddress: RESOLVER, chainId: 10, createdAtSeconds: 1, allowAddressNames: true });
    await upsertDomain(db, { name: "other-plain.eth", resolverAddress: RESOLVER, chainId: 1, createdAtSeconds: 1 });
    await domainWebhookUpdate(db, "plain.eth", { url: "https://hooks.example/dm3", secret: "never read here" });
    const expected = (await db.select().from(domains).all()).map(({ webhookSecret: _secret, createdAtSeconds: _created, ...row }) => row);
    const rows = await listServedDomainRows(env.DB);
    expect(rows).toEqual(expected);
    expect(rows.find((row) => row.name === "plain.eth")).toMatchObject({ allowAddressNames: true, chainId: 10, webhookUrl: "https://hooks.example/dm3" });
    expect(rows.find((row) => row.name === "other-plain.eth")).toMatchObject({ allowAddressNames: false, webhookUrl: null, database: "DB" });
  });

  test("tell a name's records, its unset records and an unknown name apart", async () => {
    await upsertDomain(db, { name: "reads.eth", resolverAddress: RESOLVER, chainId: 1, createdAtSeconds: 1 });
    const node = namehash("a.reads.eth");
    const statements = replaceNameStatements(
      db,
      {
        node,
        name: "a.reads.eth",
        domain: "reads.eth",
        ownerAddress: OWNER,
        contenthash: "0xe301",
        texts: { bio: "hi" },
        addresses: { "60": OWNER.toLowerCase() as `0x${string}`, "2147483648": "0x2222222222222222222222222222222222222222" },
      },
      { nowSeconds: 1, nowMs: 1_000, lifecycle: [] },
    );
    await db.batch(statements as [Statement, ...Statement[]]);
    expect(await findTextRecordOfName(env.DB, node, "bio")).toEqual({ exists: true, value: "hi" });
    expect(await findTextRecordOfName(env.DB, node, "url")).toEqual({ exists: true, value: undefined });
    const addresses = await findAddressRecordsOfName(env.DB, node, [10, 2147483648]);
    expect(addresses.exists).toBe(true);
    expect([...(addresses.value ?? [])]).toEqual([[2147483648, "0x2222222222222222222222222222222222222222"]]);
    expect((await findAddressRecordsOfName(env.DB, node, [60])).value?.get(60)).toBe(OWNER.toLowerCase());
    expect(await findContenthashOfName(env.DB, node)).toEqual({ exists: true, value: "0xe301" });
    const nobody = namehash("nobody.reads.eth");
    expect(await findTextRecordOfName(env.DB, nobody, "bio")).toEqual({ exists: false, value: undefined });
    expect(await findAddressRecordsOfName(env.DB, nobody, [60])).toEqual({ exists: false, value: new Map() });
    expect(await findContenthashOfName(env.DB, nobody)).toEqual({ exists: false, value: undefined });
  });
});
