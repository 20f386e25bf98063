/** The analysis input: one cohort's health over one interval of a rollout step. */
export type Cohort = "baseline" | "canary";

/**
 * Latency as one interval's bucket counts: counts[i] counts requests in (bounds[i-1], bounds[i]] ms, the
 * first bucket from 0; counts has bounds.length + 1 entries, the last for latency above the largest bound.
 */
export interface LatencyHistogram {
  bounds: readonly number[];
  counts: readonly number[];
}

export interface AnalysisSample {
  /** Seconds since the step started; the sample covers (intervalEnd - intervalSeconds, intervalEnd]. */
  intervalEnd: number;
  cohort: Cohort;
  requests: number;
  errors: number;
  latency: LatencyHistogram;
  conversions?: { successes: number; trials: number } | null;
}

/** The two cohorts' samples for one interval; a missing side is an outage of the metrics source. */
export interface IntervalPair {
  intervalEnd: number;
  baseline?: AnalysisSample;
  canary?: AnalysisSample;
}

/** Groups time-ordered samples by interval end (a later duplicate of a cohort replaces the earlier). */
export function pairByInterval(samples: readonly AnalysisSample[]): IntervalPair[] {
  const byEnd = new Map<number, IntervalPair>();
  for (const sample of samples) {
    let pair = byEnd.get(sample.intervalEnd);
    if (!pair) {
      pair = { intervalEnd: sample.intervalEnd };
      byEnd.set(sample.intervalEnd, pair);
    }
    pair[sample.cohort] = sample;
  }
  return [...byEnd.values()].sort((x, y) => x.intervalEnd - y.intervalEnd);
}
