import { type CohortSample, type SeriesPoint, toSeriesPoint } from "../../domain/metrics/cohort-sample";
import { downsample } from "../../domain/metrics/downsample";
import type { ServiceContext } from "../context";

/** A chart is at most ~1,000 px wide: more points per cohort only cost transfer and rendering. */
const MAX_POINTS_PER_COHORT = 720;

/**
 * Chart points for a rollout's whole history, oldest first. Wide ranges (24 h of 10-s samples is 8,640
 * per cohort) are merged into wider intervals on the server, with exact rates and quantiles.
 */
export async function listSeries(ctx: ServiceContext, rolloutId: string): Promise<SeriesPoint[]> {
  const rows = await ctx.db.metricSample.findMany({
    where: { rolloutId },
    orderBy: { intervalEnd: "asc" },
    select: {
      cohort: true,
      intervalEnd: true,
      intervalSeconds: true,
      requests: true,
      errors: true,
      latencyBoundsMs: true,
      latencyCounts: true,
      conversionSuccesses: true,
      conversionTrials: true,
    },
  });
  const samples: CohortSample[] = rows.map((row) => ({
    rolloutId,
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
  }));
  return downsample(samples, MAX_POINTS_PER_COHORT).map(toSeriesPoint);
}
