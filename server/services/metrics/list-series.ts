import { type SeriesPoint, toSeriesPoint } from "../../domain/metrics/cohort-sample";
import { downsample } from "../../domain/metrics/downsample";
import type { ServiceContext } from "../context";
import { loadSamples } from "./load-samples";

/** A chart is at most ~1,000 px wide: more points per cohort only cost transfer and rendering. */
const MAX_POINTS_PER_COHORT = 720;

/**
 * Chart points for a rollout's whole history, oldest first. Wide ranges (24 h of 10-s samples is 8,640
 * per cohort) are merged into wider intervals on the server, with exact rates and quantiles.
 */
export async function listSeries(ctx: ServiceContext, rolloutId: string): Promise<SeriesPoint[]> {
  const samples = await loadSamples(ctx.db, rolloutId);
  return downsample(samples, MAX_POINTS_PER_COHORT).map(toSeriesPoint);
}
