/** Limits on one name's records and on requests, enforced on every write (documented in the README). */
export const NAME_LIMITS = {
  maxTextRecords: 64,
  maxTextKeyBytes: 256,
  maxTextValueBytes: 8 * 1024,
  maxAddressRecords: 32,
  maxAddressBytes: 256,
  maxContenthashBytes: 512,
  maxBodyBytes: 128 * 1024,
  maxBulkItems: 1000,
  maxBulkBodyBytes: 8 * 1024 * 1024,
  maxPageSize: 500,
  /** Furthest in the future a user-signed write may expire. */
  maxSignedWriteLifetimeSeconds: 24 * 60 * 60,
} as const;
