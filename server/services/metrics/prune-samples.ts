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
  const nowMs = ctx.now().getTime();
  const cutoff = (serviceId: Prisma.Sql, environment: Prisma.Sql) => Prisma.sql`
    timestamp 'epoch' + ${nowMs}::bigint * interval '1 millisecond' - make_interval(days => greatest(${retentionDays}::integer,
      (SELECT coalesce(max(o."windowDays"), 0) FROM "Slo" o
       WHERE o."serviceId" = ${serviceId} AND o."environment" = ${environment})))`;
  const cohort = await deleteInBatches(
    ctx,
    batchSize,
    (limit) => Prisma.sql`
      DELETE FROM "MetricSample" WHERE "id" IN (
        SELECT m."id" FROM "Rollout" r
        JOIN "Release" rel ON rel."id" = r."releaseId"
        JOIN "MetricSample" m ON m."rolloutId" = r."id"
          AND m."intervalEnd" < ${cutoff(Prisma.sql`r."serviceId"`, Prisma.sql`rel."environment"`)}
        WHERE r."state" IN (${Prisma.join([...TERMINAL_STATES])})
        LIMIT ${limit})`,
  );
  // Every (service, environment) that can hold whole-traffic samples: released ones, and SLOs' own.
  const service = await deleteInBatches(
    ctx,
    batchSize,
    (limit) => Prisma.sql`
      DELETE FROM "ServiceSample" WHERE "id" IN (
        SELECT s."id" FROM (
          SELECT "serviceId", "environment" FROM "Release"
          UNION SELECT "serviceId", "environment" FROM "Slo") p
        JOIN "ServiceSample" s ON s."serviceId" = p."serviceId" AND s."environment" = p."environment"
          AND s."intervalEnd" < ${cutoff(Prisma.sql`p."serviceId"`, Prisma.sql`p."environment"`)}
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
