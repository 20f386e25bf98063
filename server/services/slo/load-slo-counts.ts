import { type Db, Prisma } from "../../db/client";
import { BURN_WINDOW_NAMES, BURN_WINDOWS, type SloCounts, type SloDefinition } from "../../domain/slo";

const DAY = 86_400_000;

/**
 * Sums one service's requests and bad requests in the SLO's environment per alert window and over the
 * SLO window, in one SQL pass over its MetricSample rows (both cohorts of every rollout there). A window holds the samples with
 * now − window < intervalEnd ≤ now (a sample ahead of the clock counts once its time has come). Latency "bad" is the histogram tail: buckets whose lower bound is at or
 * above the threshold (bucket i covers (bounds[i-1], bounds[i]], the last one is the overflow).
 */
export async function loadSloCounts(
  db: Db,
  serviceId: string,
  slo: Pick<SloDefinition, "kind" | "windowDays" | "latencyThresholdMs"> & { environment: string },
  now: Date,
): Promise<SloCounts> {
  const spans = [...BURN_WINDOW_NAMES.map((w) => BURN_WINDOWS[w]), slo.windowDays * DAY];
  // Prisma stores DateTime as UTC in timestamp(3) columns; compare in UTC whatever the session zone.
  const since = (ms: number) =>
    Prisma.sql`(to_timestamp(${(now.getTime() - ms) / 1000}::float8) AT TIME ZONE 'UTC')`;
  const bad =
    slo.kind === "latency"
      ? Prisma.sql`(SELECT coalesce(sum(u.c), 0) FROM unnest(ms."latencyCounts") WITH ORDINALITY AS u(c, i)
                    WHERE u.i > 1 AND ms."latencyBoundsMs"[u.i - 1] >= ${slo.latencyThresholdMs ?? 0}::float8)`
      : Prisma.sql`ms."errors"`;
  const sums = (column: "total" | "bad") =>
    Prisma.join(
      spans.map(
        (span) =>
          Prisma.sql`coalesce(sum(s.${Prisma.raw(column)}) FILTER (WHERE s.t > ${since(span)}), 0)::float8`,
      ),
    );
  const rows = await db.$queryRaw<{ totals: number[]; bads: number[] }[]>`
    WITH s AS (
      SELECT ms."intervalEnd" AS t, ms."requests" AS total, ${bad} AS bad
      FROM "MetricSample" ms JOIN "Rollout" r ON r."id" = ms."rolloutId"
        JOIN "Release" rel ON rel."id" = r."releaseId"
      WHERE r."serviceId" = ${serviceId} AND rel."environment" = ${slo.environment}
        AND ms."intervalEnd" > ${since(Math.max(...spans))}
        AND ms."intervalEnd" <= ${since(0)}
    )
    SELECT ARRAY[${sums("total")}] AS totals, ARRAY[${sums("bad")}] AS bads FROM s`;
  const row = rows[0];
  const counts = spans.map((_, i) => ({ total: row?.totals[i] ?? 0, bad: row?.bads[i] ?? 0 }));
  const sloWindow = counts[spans.length - 1] ?? { total: 0, bad: 0 };
  const windows = Object.fromEntries(
    BURN_WINDOW_NAMES.map((w, i) => [w, counts[i] ?? { total: 0, bad: 0 }]),
  ) as SloCounts["windows"];
  return { windows, sloWindow };
}
