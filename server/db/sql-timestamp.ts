import { Prisma } from "./client";

/**
 * Epoch milliseconds as a `timestamp` value in raw SQL. Prisma keeps DateTime columns as UTC in
 * `timestamp(3)`; building the value from the number keeps it UTC whatever the session's time zone.
 */
export function sqlTimestamp(ms: number): Prisma.Sql {
  return Prisma.sql`(timestamp 'epoch' + ${ms}::bigint * interval '1 millisecond')`;
}
