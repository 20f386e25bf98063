import { Prisma } from "../../db/client";
import { sqlTimestamp } from "../../db/sql-timestamp";
import { TERMINAL_STATES } from "../../domain/rollout";
import { countPrunedSamples } from "../../observability/sluice-metrics";
import type { ServiceContext } from "../context";

/**
 * One DELETE per day of samples: short statements, so ingest and the engine never wait long on a prune.
 * Each reads only its own day of the index; batches that each restarted at the oldest row read every
 * row already deleted again (a first prune of 3.3 million rows had not ended after 8 minutes).
 */
const SLICE_MS = 86_400_000;

const epochMs = (timestamp: Prisma.Sql) => Prisma.sql`(extract(epoch FROM ${timestamp}) * 1000)::bigint`;

export interface PrunedSamples {
  cohort: number;
  service: number;
}

/** The samples of one rollout or service environment that are old enough to go, as a range in time. */
interface Prunable {
  /** The unique index's leading columns, as a condition. */
  key: Prisma.Sql;
  /** Epoch ms of the oldest sample, and of the cutoff: samples before it go. */
  oldestMs: number;
  cutoffMs: number;
}

/**
 * Deletes metric samples older than `retentionDays`, except what something still reads:
 * - cohort samples of live (and draft) rollouts, whatever their age, since a paused step is judged on them;
 * - anything inside the longest SLO window of its service and environment, since the SLOs count it.
 * Stored verdicts, evaluations and the audit history are kept: only the raw counts behind charts go.
 */
export async function pruneSamples(ctx: ServiceContext, retentionDays: number): Promise<PrunedSamples> {
  const now = sqlTimestamp(ctx.now().getTime());
  const cutoffMs = epochMs(
    Prisma.sql`${now} - make_interval(days => greatest(${retentionDays}::integer, coalesce(k."days", 0)))`,
  );
  const windows = Prisma.sql`(SELECT "serviceId", "environment", max("windowDays") AS "days" FROM "Slo"
    GROUP BY "serviceId", "environment") k`;
  // The oldest sample is the first entry of the unique index: one probe per rollout or pair.
  const rollouts = await ctx.db.$queryRaw<{ id: string; oldestMs: bigint | null; cutoffMs: bigint }[]>`
    SELECT r."id", ${cutoffMs} AS "cutoffMs",
      (SELECT ${epochMs(Prisma.sql`min(m."intervalEnd")`)} FROM "MetricSample" m WHERE m."rolloutId" = r."id") AS "oldestMs"
    FROM "Rollout" r
    JOIN "Release" rel ON rel."id" = r."releaseId"
    LEFT JOIN ${windows} ON k."serviceId" = r."serviceId" AND k."environment" = rel."environment"
    WHERE r."state" IN (${Prisma.join([...TERMINAL_STATES])})`;
  // Every (service, environment) that can hold whole-traffic samples: released ones, and SLOs' own.
  const pairs = await ctx.db.$queryRaw<
    { serviceId: string; environment: string; oldestMs: bigint | null; cutoffMs: bigint }[]
  >`
    SELECT p."serviceId", p."environment", ${cutoffMs} AS "cutoffMs",
      (SELECT ${epochMs(Prisma.sql`min(s."intervalEnd")`)} FROM "ServiceSample" s
       WHERE s."serviceId" = p."serviceId" AND s."environment" = p."environment") AS "oldestMs"
    FROM (SELECT "serviceId", "environment" FROM "Release" UNION SELECT "serviceId", "environment" FROM "Slo") p
    LEFT JOIN ${windows} ON k."serviceId" = p."serviceId" AND k."environment" = p."environment"`;
  const prunable = <T extends { oldestMs: bigint | null; cutoffMs: bigint }>(
    rows: T[],
    key: (row: T) => Prisma.Sql,
  ): Prunable[] =>
    rows
      .filter((row) => row.oldestMs !== null && row.oldestMs < row.cutoffMs)
      .map((row) => ({ key: key(row), oldestMs: Number(row.oldestMs), cutoffMs: Number(row.cutoffMs) }));
  const cohort = await deleteByDay(
    ctx,
    "MetricSample",
    prunable(rollouts, (r) => Prisma.sql`"rolloutId" = ${r.id}`),
  );
  const service = await deleteByDay(
    ctx,
    "ServiceSample",
    prunable(pairs, (p) => Prisma.sql`"serviceId" = ${p.serviceId} AND "environment" = ${p.environment}`),
  );
  countPrunedSamples("cohort", cohort);
  countPrunedSamples("service", service);
  return { cohort, service };
}

async function deleteByDay(
  ctx: ServiceContext,
  table: "MetricSample" | "ServiceSample",
  targets: Prunable[],
): Promise<number> {
  const rows = Prisma.raw(`"${table}"`);
  let total = 0;
  for (const { key, oldestMs, cutoffMs } of targets) {
    let from: number | null = oldestMs;
    while (from !== null && from < cutoffMs) {
      const to = Math.min(from + SLICE_MS, cutoffMs);
      const deleted: number = await ctx.db.$executeRaw`
        DELETE FROM ${rows} WHERE ${key} AND "intervalEnd" >= ${sqlTimestamp(from)} AND "intervalEnd" < ${sqlTimestamp(to)}`;
      total += deleted;
      // An empty day (a gap, or a stray sample years old) skips to the next sample, not day by day.
      from = deleted > 0 ? to : await nextSampleMs(ctx, rows, key, to);
    }
  }
  return total;
}

async function nextSampleMs(ctx: ServiceContext, rows: Prisma.Sql, key: Prisma.Sql, fromMs: number) {
  const [next] = await ctx.db.$queryRaw<{ ms: bigint | null }[]>`
    SELECT ${epochMs(Prisma.sql`min("intervalEnd")`)} AS "ms" FROM ${rows}
    WHERE ${key} AND "intervalEnd" >= ${sqlTimestamp(fromMs)}`;
  return next?.ms == null ? null : Number(next.ms);
}
