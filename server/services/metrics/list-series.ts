import { type CohortSample, type SeriesPoint, toSeriesPoint } from "../../domain/metrics/cohort-sample";
import type { ServiceContext } from "../context";

const MAX_POINTS_PER_COHORT = 720;

/** Chart points for a rollout, oldest first, the most recent MAX_POINTS_PER_COHORT intervals per cohort. */
export async function listSeries(ctx: ServiceContext, rolloutId: string): Promise<SeriesPoint[]> {
  const rows = await ctx.db.metricSample.findMany({
    where: { rolloutId },
    orderBy: { intervalEnd: "desc" },
    take: MAX_POINTS_PER_COHORT * 2,
  });
  return rows.reverse().map((row) =>
    toSeriesPoint({
      rolloutId: row.rolloutId,
      cohort: row.cohort as CohortSample["cohort"],
      intervalEnd: row.intervalEnd.getTime(),
      intervalSeconds: row.intervalSeconds,
      requests: row.requests,
      errors: row.errors,
      latency: { bounds: row.latencyBoundsMs, counts: row.latencyCounts },
      conversions:
        row.conversionTrials === null
          ? null
          : { successes: row.conversionSuccesses ?? 0, trials: row.conversionTrials },
    }),
  );
}
