import type { Address } from "viem";

/** What `GET /health` reports (the CLI's deployment check and key rotation read it). */
export type HealthReport = {
  status: "ok";
  version: string;
  signer: Address;
  signatureTtlSeconds: number;
  resolvers: { domain: string; resolver: Address; chainId: number }[];
};
