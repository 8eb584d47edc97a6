import { namehash } from "viem/ens";
import type { Database } from "../db/client";
import { findTextRecord } from "../db/nameReads";
import { DM3_PROFILE_TEXT_KEY, decodeProfileRecord, type SignedUserProfile } from "../protocol/dm3/profile";

/** The verified DM3 profile published for `name` here, or undefined (unregistered or none). */
export async function findDm3Profile(db: Database, name: string): Promise<SignedUserProfile | undefined> {
  return decodeProfileRecord(await findTextRecord(db, namehash(name), DM3_PROFILE_TEXT_KEY));
}
