import type { Address, Hex } from "viem";

/** What `GET /health` reports (the CLI's deployment check and key rotation read it). */
export type HealthReport = {
  status: "ok";
  version: string;
  signer: Address;
  signatureTtlSeconds: number;
  resolvers: { domain: string; resolver: Address; chainId: number }[];
  /**
   * Served domains whose parent name the resolver guard (cron) last found wrong on chain — no longer
   * pointing at the resolver this gateway signs for, or close to expiry — each with the transaction
   * that fixes a resolver problem. Empty while all is well.
   */
  resolverProblems: { domain: string; problem: string; checkedAtSeconds: number; fix: { to: Address; data: Hex; description: string } | null }[];
};
