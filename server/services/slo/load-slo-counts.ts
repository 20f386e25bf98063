import { type Db, Prisma } from "../../db/client";
import {
  BURN_WINDOW_NAMES,
  BURN_WINDOWS,
  type GoodBadCounts,
  type SloCounts,
  type SloDefinition,
} from "../../domain/slo";
import { LONG_WINDOW_MS, type LongWindowSums } from "./long-window-sums";

const DAY = 86_400_000;
/** Service samples this recent mean a source samples the service: an empty window then is an outage. */
const SAMPLED_LATELY_MS = 6 * 3_600_000;

/**
 * Sums one service's requests and bad requests in the SLO's environment per alert window and over the
 * SLO window, in one SQL pass. The traffic is the service's ServiceSample rows (its whole traffic, rollout
 * or not), and the MetricSample rows of both cohorts of its rollouts there for the intervals no service
 * sample covers (before service samples began, or a gap in them), so nothing is counted twice and a
 * stalled service source does not blind the SLO while rollouts report. A window holds the samples with
 * now − window < intervalEnd ≤ now (a sample ahead of the clock counts once its time has come).
 * `serviceSampled`: whether a service sample arrived in the last 6 hours. Latency "bad" is every bucket
 * whose upper bound is above the threshold (bucket i covers (bounds[i-1], bounds[i]], the last one is the
 * overflow, unbounded): the tail above the threshold, and the bucket spanning it when the sample lacks
 * the threshold as a bound. With `longSums` (slo-watch's), the older part of each window of a day
 * or more is summed at most every five minutes and reused in between; its newest hours always afresh.
 */
export async function loadSloCounts(
  db: Db,
  serviceId: string,
  slo: Pick<SloDefinition, "kind" | "windowDays" | "latencyThresholdMs"> & { environment: string },
  now: Date,
  longSums?: LongWindowSums,
): Promise<SloCounts & { serviceSampled: boolean }> {
  const allSpans = [...BURN_WINDOW_NAMES.map((w) => BURN_WINDOWS[w]), slo.windowDays * DAY];
  const shortSpans = allSpans.filter((span) => span < LONG_WINDOW_MS);
  const recentMs = Math.max(...shortSpans);
  const key = JSON.stringify([serviceId, slo.environment, slo.kind, slo.windowDays, slo.latencyThresholdMs]);
  const reused = longSums?.get(key, now.getTime());
  // Reusing: the short windows, and everything since the kept parts end (at − recent), summed afresh.
  const sinceKept = reused ? now.getTime() - reused.at + recentMs : null;
  const spans = sinceKept === null ? allSpans : [...shortSpans, sinceKept];
  // Prisma stores DateTime as UTC in timestamp(3) columns; compare in UTC whatever the session zone.
  const since = (ms: number) =>
    Prisma.sql`(to_timestamp(${(now.getTime() - ms) / 1000}::float8) AT TIME ZONE 'UTC')`;
  const inWindow = (alias: string) =>
    Prisma.sql`${Prisma.raw(alias)}."intervalEnd" > ${since(Math.max(...spans))}
      AND ${Prisma.raw(alias)}."intervalEnd" <= ${since(0)}`;
  // A sample may lack the threshold as a bound (it was checked only against the histograms seen when the
  // SLO was defined): its bucket spanning the threshold cannot be shown fast enough, so it counts as bad.
  // The overflow bucket's upper bound, past the array's end, reads NULL: infinite.
  const bad = (alias: string) =>
    slo.kind === "latency"
      ? Prisma.sql`(SELECT coalesce(sum(u.c), 0) FROM unnest(${Prisma.raw(alias)}."latencyCounts") WITH ORDINALITY AS u(c, i)
                    WHERE coalesce(${Prisma.raw(alias)}."latencyBoundsMs"[u.i], 'Infinity') > ${slo.latencyThresholdMs ?? 0}::float8)`
      : Prisma.sql`${Prisma.raw(alias)}."errors"`;
  const sums = (column: "total" | "bad") =>
    Prisma.join(
      spans.map(
        (span) =>
          Prisma.sql`coalesce(sum(s.${Prisma.raw(column)}) FILTER (WHERE s.t > ${since(span)}), 0)::float8`,
      ),
    );
  const rows = await db.$queryRaw<{ totals: number[]; bads: number[]; serviceSampled: boolean }[]>`
    WITH service AS (
      SELECT ss."intervalEnd" AS t, ss."requests" AS total, ${bad("ss")} AS bad
      FROM "ServiceSample" ss
      WHERE ss."serviceId" = ${serviceId} AND ss."environment" = ${slo.environment} AND ${inWindow("ss")}
    ),
    s AS (
      SELECT t, total, bad FROM service
      UNION ALL
      SELECT ms."intervalEnd", ms."requests", ${bad("ms")}
      FROM "MetricSample" ms JOIN "Rollout" r ON r."id" = ms."rolloutId"
        JOIN "Release" rel ON rel."id" = r."releaseId"
      WHERE r."serviceId" = ${serviceId} AND rel."environment" = ${slo.environment} AND ${inWindow("ms")}
        -- Covered by a service sample (the first one ending at or after it, one index probe): counted there.
        AND NOT coalesce((
          SELECT sv."intervalEnd" - make_interval(secs => sv."intervalSeconds") < ms."intervalEnd"
          FROM "ServiceSample" sv
          WHERE sv."serviceId" = ${serviceId} AND sv."environment" = ${slo.environment}
            AND sv."intervalEnd" >= ms."intervalEnd"
          ORDER BY sv."intervalEnd" LIMIT 1), false)
    )
    SELECT ARRAY[${sums("total")}] AS totals, ARRAY[${sums("bad")}] AS bads,
      EXISTS (SELECT 1 FROM service WHERE t > ${since(SAMPLED_LATELY_MS)}) AS "serviceSampled" FROM s`;
  const row = rows[0];
  const summed = new Map<number, GoodBadCounts>(
    spans.map((span, i) => [span, { total: row?.totals[i] ?? 0, bad: row?.bads[i] ?? 0 }] as const),
  );
  const sum = (span: number) => summed.get(span) ?? { total: 0, bad: 0 };
  const longSpans = allSpans.filter((span) => span >= LONG_WINDOW_MS);
  if (reused && sinceKept !== null) {
    for (const span of longSpans) summed.set(span, plus(reused.bySpan.get(span), sum(sinceKept)));
  } else if (longSums) {
    const older = longSpans.map((span) => [span, minus(sum(span), sum(recentMs))] as const);
    longSums.set(key, { at: now.getTime(), bySpan: new Map(older) });
  }
  const counts = allSpans.map(sum);
  const sloWindow = counts[allSpans.length - 1] ?? { total: 0, bad: 0 };
  const windows = Object.fromEntries(
    BURN_WINDOW_NAMES.map((w, i) => [w, counts[i] ?? { total: 0, bad: 0 }]),
  ) as SloCounts["windows"];
  return { windows, sloWindow, serviceSampled: row?.serviceSampled ?? false };
}

const plus = (a: GoodBadCounts | undefined, b: GoodBadCounts): GoodBadCounts => ({
  total: (a?.total ?? 0) + b.total,
  bad: (a?.bad ?? 0) + b.bad,
});
const minus = (a: GoodBadCounts, b: GoodBadCounts): GoodBadCounts => ({
  total: a.total - b.total,
  bad: a.bad - b.bad,
});
