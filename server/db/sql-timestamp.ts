import { Prisma } from "./client";

/**
 * Epoch milliseconds as a `timestamp` value in raw SQL. Prisma keeps DateTime columns as UTC in
 * `timestamp(3)`; building the value from the number keeps it UTC whatever the session's time zone.
 */
export function sqlTimestamp(ms: number): Prisma.Sql {
  return Prisma.sql`(timestamp 'epoch' + ${ms}::bigint * interval '1 millisecond')`;
}

/** The inverse: a `timestamp` expression as epoch milliseconds (a bigint), e.g. a column read back. */
export function sqlEpochMs(timestamp: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(extract(epoch FROM ${timestamp}) * 1000)::bigint`;
}
