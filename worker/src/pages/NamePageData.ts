import type { SignedUserProfile } from "../protocol/dm3/profile";

/** What the name page's script needs (embedded as JSON, read by web/namePage.ts). */
export type NamePageData = {
  name: string;
  owner: string;
  texts: Record<string, string>;
  addresses: Record<string, string>;
  contenthash: string | null;
  dm3Profile: SignedUserProfile | null;
  ensRegistry: string;
  chainId: number;
  rpcUrl: string;
  deliveryService: string;
  /** Where `ipfs://` profile records are read (`PROFILE_IPFS_GATEWAY`; "" = refused). */
  ipfsGateway: string;
};
