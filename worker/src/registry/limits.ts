/** Limits on one name's records, enforced on every write (documented in the README). */
export const NAME_LIMITS = {
  maxTextRecords: 64,
  maxTextKeyBytes: 256,
  maxTextValueBytes: 8 * 1024,
  maxAddressRecords: 32,
  maxAddressBytes: 256,
  maxContenthashBytes: 512,
  maxBodyBytes: 128 * 1024,
} as const;
