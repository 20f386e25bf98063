import { Prisma } from "../../db/client";
import { sqlEpochMs, sqlTimestamp } from "../../db/sql-timestamp";
import { TERMINAL_STATES } from "../../domain/rollout";
import { BURN_WINDOWS } from "../../domain/slo";
import { countPrunedSamples } from "../../observability/sluice-metrics";
import type { ServiceContext } from "../context";

/**
 * One DELETE per day of samples: short statements, so ingest and the engine never wait long on a prune.
 * Each reads only its own day of the index; batches that each restarted at the oldest row read every
 * row already deleted again (a first prune of 3.3 million rows had not ended after 8 minutes).
 */
const SLICE_MS = 86_400_000;

export interface PrunedSamples {
  cohort: number;
  service: number;
}

/** The samples of one rollout or service environment that go: those in [fromMs, untilMs). */
interface Prunable {
  /** The unique index's leading columns, as a condition. */
  key: Prisma.Sql;
  fromMs: number;
  untilMs: number;
}

/** The longest burn-rate window (3 d): an environment with an SLO keeps at least that much. */
const BURN_WINDOW_DAYS = Math.ceil(Math.max(...Object.values(BURN_WINDOWS)) / 86_400_000);

/**
 * Deletes metric samples older than `retentionDays`, except what something still reads:
 * - cohort samples of live (and draft) rollouts, whatever their age, since a paused step is judged on them;
 *   a finished rollout's go all together, once the newest is past the cutoff, so its charts are whole
 *   or gone (the page then says why), never cut short;
 * - anything inside the longest window an SLO of its service and environment reads (its own window, and
 *   the 3-day burn window), since the SLOs count it.
 * Stored verdicts, evaluations and the audit history are kept: only the raw counts behind charts go.
 * `signal` stops it between two DELETEs: a leader stepping down does not wait for a long first prune.
 */
export async function pruneSamples(
  ctx: ServiceContext,
  retentionDays: number,
  signal?: AbortSignal,
): Promise<PrunedSamples> {
  const now = sqlTimestamp(ctx.now().getTime());
  const cutoffMs = sqlEpochMs(
    Prisma.sql`${now} - make_interval(days => greatest(${retentionDays}::integer, coalesce(k."days", 0)))`,
  );
  const windows = Prisma.sql`(SELECT "serviceId", "environment",
      max(greatest("windowDays", ${BURN_WINDOW_DAYS}::integer)) AS "days"
    FROM "Slo" GROUP BY "serviceId", "environment") k`;
  // The oldest and newest samples are the ends of the unique index's range: two probes per rollout or pair.
  const span = (table: string, key: Prisma.Sql) => Prisma.sql`
    (SELECT ${sqlEpochMs(Prisma.sql`min("intervalEnd")`)} FROM ${Prisma.raw(`"${table}"`)} WHERE ${key}) AS "oldestMs",
    (SELECT ${sqlEpochMs(Prisma.sql`max("intervalEnd")`)} FROM ${Prisma.raw(`"${table}"`)} WHERE ${key}) AS "newestMs"`;
  const rollouts = await ctx.db.$queryRaw<(SampleSpan & { id: string })[]>`
    SELECT r."id", ${cutoffMs} AS "cutoffMs", ${span("MetricSample", Prisma.sql`"rolloutId" = r."id"`)}
    FROM "Rollout" r
    JOIN "Release" rel ON rel."id" = r."releaseId"
    LEFT JOIN ${windows} ON k."serviceId" = r."serviceId" AND k."environment" = rel."environment"
    WHERE r."state" IN (${Prisma.join([...TERMINAL_STATES])})`;
  // Every (service, environment) that can hold whole-traffic samples: released ones, and SLOs' own.
  const pairs = await ctx.db.$queryRaw<(SampleSpan & { serviceId: string; environment: string })[]>`
    SELECT p."serviceId", p."environment", ${cutoffMs} AS "cutoffMs",
      ${span("ServiceSample", Prisma.sql`"serviceId" = p."serviceId" AND "environment" = p."environment"`)}
    FROM (SELECT "serviceId", "environment" FROM "Release" UNION SELECT "serviceId", "environment" FROM "Slo") p
    LEFT JOIN ${windows} ON k."serviceId" = p."serviceId" AND k."environment" = p."environment"`;
  const wholeRollouts = rollouts
    .filter((r) => r.newestMs !== null && r.newestMs < r.cutoffMs)
    .map((r) => ({
      key: Prisma.sql`"rolloutId" = ${r.id}`,
      fromMs: Number(r.oldestMs),
      untilMs: Number(r.newestMs) + 1,
    }));
  const olderSamples = pairs
    .filter((p) => p.oldestMs !== null && p.oldestMs < p.cutoffMs)
    .map((p) => ({
      key: Prisma.sql`"serviceId" = ${p.serviceId} AND "environment" = ${p.environment}`,
      fromMs: Number(p.oldestMs),
      untilMs: Number(p.cutoffMs),
    }));
  const cohort = await deleteByDay(ctx, "MetricSample", wholeRollouts, signal);
  const service = await deleteByDay(ctx, "ServiceSample", olderSamples, signal);
  countPrunedSamples("cohort", cohort);
  countPrunedSamples("service", service);
  return { cohort, service };
}

interface SampleSpan {
  oldestMs: bigint | null;
  newestMs: bigint | null;
  cutoffMs: bigint;
}

async function deleteByDay(
  ctx: ServiceContext,
  table: "MetricSample" | "ServiceSample",
  targets: Prunable[],
  signal: AbortSignal | undefined,
): Promise<number> {
  const rows = Prisma.raw(`"${table}"`);
  let total = 0;
  for (const { key, fromMs, untilMs } of targets) {
    let from: number | null = fromMs;
    while (from !== null && from < untilMs && !signal?.aborted) {
      const to = Math.min(from + SLICE_MS, untilMs);
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
    SELECT ${sqlEpochMs(Prisma.sql`min("intervalEnd")`)} AS "ms" FROM ${rows}
    WHERE ${key} AND "intervalEnd" >= ${sqlTimestamp(fromMs)}`;
  return next?.ms == null ? null : Number(next.ms);
}
