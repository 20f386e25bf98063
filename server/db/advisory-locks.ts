/**
 * Every PostgreSQL advisory lock Sluice takes, in one place: two uses sharing a key would block each
 * other (a leader holding its session lock would stall every audit append). Each value only has to be
 * the same in every instance that shares the database.
 */
export const ADVISORY_LOCKS = {
  /** Instances starting together apply migrations one at a time. */
  migrations: 7_215_011,
  /** Audit events are appended to the hash chain one transaction at a time. */
  auditChain: 7_215_012,
  /** Held for as long as an instance is the leader running the background loops. */
  leader: 7_215_013,
} as const;
