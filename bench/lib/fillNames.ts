import { runWrangler } from "../../scripts/lib/wrangler";

/** Earlier history a name carries in the change feed, besides its creation. */
export type FillHistory = {
  /** Updates per name (each a full put row, as the worker writes them). */
  updates: number;
  /** One name in this many also had a sibling that was created and deleted (a put and a delete row). */
  deletedEvery: number;
};

/**
 * Adds filler names `from..to-1` straight into the local D1, in SQLite, shaped like a service's
 * users: each its own owner address (and ETH address record), a signed DM3 profile text record of
 * the real size (352 bytes: two keys, one delivery service, a signature), a profile-proven owner,
 * and the change-feed row its creation writes — with `history`, also the rows of earlier updates
 * and of deleted names, dated long ago.
 */
export async function fillNames(d1Dir: string, domain: string, from: number, to: number, history?: FillHistory): Promise<void> {
  const seq = `WITH RECURSIVE seq(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM seq WHERE i < ${to - 1})`;
  const node = "printf('0x%064x', i)";
  const owner = "printf('0x%040x', i * 2654435761)";
  const profile =
    `'data:application/json,{"profile":{"deliveryServices":["ds.${domain}"],"publicEncryptionKey":"' || printf('%044d', i) || '",' ||` +
    ` '"publicSigningKey":"' || printf('%044d', i * 7) || '"},"signature":"0x' || printf('%0130x', i * 31) || '"}'`;
  const putRows = `INSERT INTO name_changes (at, domain, name, node, kind, record)
      SELECT n.updated_at, n.domain, n.name, n.node, 'put', json_object('owner', n.owner_address, 'contenthash', n.contenthash,
        'texts', json((SELECT json_group_object(t.key, t.value) FROM text_records t WHERE t.node = n.node)),
        'addresses', json((SELECT json_group_object(a.coin_type, a.address) FROM address_records a WHERE a.node = n.node)))
      FROM names n WHERE n.node IN (${seq} SELECT ${node} FROM seq);`;
  const deleted = history
    ? `${seq} INSERT INTO name_changes (at, domain, name, node, kind, record)
      SELECT 1700000000 + i, '${domain}', 'gone' || i || '.${domain}', printf('0x%064x', i + 1000000000), kind, record
      FROM seq, (SELECT 'put' AS kind, json_object('owner', '0x0000000000000000000000000000000000000001', 'contenthash', NULL, 'texts', json('{}'), 'addresses', json('{}')) AS record
                 UNION ALL SELECT 'delete', NULL)
      WHERE i % ${history.deletedEvery} = 0 ORDER BY i, kind DESC;`
    : "";
  const sql = `
    ${seq} INSERT INTO names (node, name, domain, owner_address, contenthash, owner_proof, owner_since, created_at, updated_at)
      SELECT ${node}, 'user' || i || '.${domain}', '${domain}', ${owner}, NULL, 1, 1700000000 + i, 1700000000 + i, 1700000000 + i FROM seq;
    ${seq} INSERT INTO text_records (node, key, value) SELECT ${node}, 'network.dm3.profile', ${profile} FROM seq;
    ${seq} INSERT INTO address_records (node, coin_type, address) SELECT ${node}, 60, ${owner} FROM seq;
    ${putRows.repeat(1 + (history?.updates ?? 0))}
    ${deleted}`;
  await runWrangler(["d1", "execute", "DB", "--local", "--persist-to", d1Dir, "--command", sql]);
}
