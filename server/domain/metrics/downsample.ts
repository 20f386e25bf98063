import { sameBounds } from "../analysis/latency-histogram";
import type { CohortSample } from "./cohort-sample";

/**
 * Merges consecutive samples of each cohort into at most `maxPerCohort` wider intervals, adding counts
 * and histograms (so rates and quantiles stay exact for the wider interval, unlike averaging points).
 * Samples must be sorted by interval end; a bucket ends at its last sample's interval end.
 */
export function downsample(samples: readonly CohortSample[], maxPerCohort: number): CohortSample[] {
  const result: CohortSample[] = [];
  for (const cohort of ["baseline", "canary"] as const) {
    const own = samples.filter((s) => s.cohort === cohort);
    const perBucket = Math.max(1, Math.ceil(own.length / maxPerCohort));
    for (let start = 0; start < own.length; start += perBucket) {
      const bucket = own.slice(start, start + perBucket);
      const merged = bucket.reduce((sum, s) => mergeTwo(sum, s));
      result.push(merged);
    }
  }
  return result.sort((a, b) => a.intervalEnd - b.intervalEnd);
}

function mergeTwo(a: CohortSample, b: CohortSample): CohortSample {
  return {
    ...b,
    intervalSeconds: a.intervalSeconds + b.intervalSeconds,
    requests: a.requests + b.requests,
    errors: a.errors + b.errors,
    // Histograms with other bounds cannot be added; the newer one stands alone then.
    latency: sameBounds(a.latency, b.latency)
      ? { bounds: b.latency.bounds, counts: b.latency.counts.map((c, i) => c + (a.latency.counts[i] ?? 0)) }
      : b.latency,
    conversions:
      a.conversions && b.conversions
        ? {
            successes: a.conversions.successes + b.conversions.successes,
            trials: a.conversions.trials + b.conversions.trials,
          }
        : (b.conversions ?? a.conversions),
  };
}
