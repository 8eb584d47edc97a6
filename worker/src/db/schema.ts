import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Parent names this gateway serves (`demo.eth`), each behind one resolver contract on one chain. */
export const domains = sqliteTable("domains", {
  name: text("name").primaryKey(),
  /** The OffchainResolver that verifies our answers: the signing target of EIP-3668 answers. */
  resolverAddress: text("resolver_address").notNull(),
  chainId: integer("chain_id").notNull(),
  createdAtSeconds: integer("created_at").notNull(),
});

/** Registered names (`alice.demo.eth`), keyed by namehash. */
export const names = sqliteTable(
  "names",
  {
    node: text("node").primaryKey(),
    name: text("name").notNull().unique(),
    domain: text("domain")
      .notNull()
      .references(() => domains.name, { onDelete: "cascade" }),
    ownerAddress: text("owner_address").notNull(),
    /** ENSIP-7 contenthash bytes as 0x-hex, or null when unset. */
    contenthash: text("contenthash"),
    createdAtSeconds: integer("created_at").notNull(),
    updatedAtSeconds: integer("updated_at").notNull(),
  },
  (table) => [index("names_domain_idx").on(table.domain), index("names_owner_idx").on(table.ownerAddress)],
);

/** ENSIP-5 text records. */
export const textRecords = sqliteTable(
  "text_records",
  {
    node: text("node")
      .notNull()
      .references(() => names.node, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (table) => [primaryKey({ columns: [table.node, table.key] })],
);

/** ENSIP-9 / ENSIP-11 addresses, by SLIP-44 or EVM coin type, as 0x-hex bytes. */
export const addressRecords = sqliteTable(
  "address_records",
  {
    node: text("node")
      .notNull()
      .references(() => names.node, { onDelete: "cascade" }),
    coinType: integer("coin_type").notNull(),
    address: text("address").notNull(),
  },
  (table) => [primaryKey({ columns: [table.node, table.coinType] })],
);

export type DomainRow = typeof domains.$inferSelect;
export type NameRow = typeof names.$inferSelect;
export type TextRecordRow = typeof textRecords.$inferSelect;
export type AddressRecordRow = typeof addressRecords.$inferSelect;
