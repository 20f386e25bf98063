import { Prisma } from "../../db/client";
import { TERMINAL_STATES } from "../../domain/rollout";
import { countPrunedSamples } from "../../observability/sluice-metrics";
import type { ServiceContext } from "../context";

export interface RetentionPolicy {
  retentionDays: number;
  /** Rows per DELETE: short statements, so ingest and the engine never wait long on a prune. */
  batchSize?: number;
}

export interface PrunedSamples {
  cohort: number;
  service: number;
}

/**
 * Deletes metric samples older than `retentionDays`, except what something still reads:
 * - cohort samples of live (and draft) rollouts, whatever their age, since a paused step is judged on them;
 * - anything inside the longest SLO window of its service and environment, since the SLOs count it.
 * Stored verdicts, evaluations and the audit history are kept: only the raw counts behind charts go.
 */
export async function pruneSamples(
  ctx: ServiceContext,
  { retentionDays, batchSize = 5_000 }: RetentionPolicy,
): Promise<PrunedSamples> {
  const now = Prisma.sql`timestamp 'epoch' + ${ctx.now().getTime()}::bigint * interval '1 millisecond'`;
  // LATERAL: each rollout's or pair's samples are read as one range of the sample table's unique index.
  // A plain join let the planner scan the whole table to find nothing (0.9 s per 1.4 million rows).
  const cutoff = Prisma.sql`${now} - make_interval(days => greatest(${retentionDays}::integer, coalesce(k."days", 0)))`;
  const windows = Prisma.sql`(SELECT "serviceId", "environment", max("windowDays") AS "days" FROM "Slo"
    GROUP BY "serviceId", "environment") k`;
  const cohort = await deleteInBatches(
    ctx,
    batchSize,
    (limit) => Prisma.sql`
      DELETE FROM "MetricSample" WHERE "id" IN (
        SELECT m."id" FROM (
          SELECT r."id", ${cutoff} AS "cutoff" FROM "Rollout" r
          JOIN "Release" rel ON rel."id" = r."releaseId"
          LEFT JOIN ${windows} ON k."serviceId" = r."serviceId" AND k."environment" = rel."environment"
          WHERE r."state" IN (${Prisma.join([...TERMINAL_STATES])})) f
        CROSS JOIN LATERAL (SELECT "id" FROM "MetricSample"
          WHERE "rolloutId" = f."id" AND "intervalEnd" < f."cutoff" LIMIT ${limit}) m
        LIMIT ${limit})`,
  );
  // Every (service, environment) that can hold whole-traffic samples: released ones, and SLOs' own.
  const service = await deleteInBatches(
    ctx,
    batchSize,
    (limit) => Prisma.sql`
      DELETE FROM "ServiceSample" WHERE "id" IN (
        SELECT s."id" FROM (
          SELECT p."serviceId", p."environment", ${cutoff} AS "cutoff" FROM (
            SELECT "serviceId", "environment" FROM "Release"
            UNION SELECT "serviceId", "environment" FROM "Slo") p
          LEFT JOIN ${windows} ON k."serviceId" = p."serviceId" AND k."environment" = p."environment") f
        CROSS JOIN LATERAL (SELECT "id" FROM "ServiceSample"
          WHERE "serviceId" = f."serviceId" AND "environment" = f."environment" AND "intervalEnd" < f."cutoff"
          LIMIT ${limit}) s
        LIMIT ${limit})`,
  );
  countPrunedSamples("cohort", cohort);
  countPrunedSamples("service", service);
  return { cohort, service };
}

async function deleteInBatches(
  ctx: ServiceContext,
  batchSize: number,
  statement: (limit: number) => Prisma.Sql,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await ctx.db.$executeRaw(statement(batchSize));
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
