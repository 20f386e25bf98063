import type { LatencyHistogram } from "../analysis/analysis-sample";
import { histogramQuantile } from "../analysis/latency-histogram";

export type Cohort = "baseline" | "canary";

/** One cohort's traffic over one interval, whatever the source (simulator, push API, Prometheus). */
export interface CohortSample {
  rolloutId: string;
  cohort: Cohort;
  /** End of the interval, epoch ms; the sample covers (intervalEnd - intervalSeconds, intervalEnd]. */
  intervalEnd: number;
  intervalSeconds: number;
  requests: number;
  errors: number;
  latency: LatencyHistogram;
  conversions: { successes: number; trials: number } | null;
}

/** A chart-ready summary of one sample. */
export interface SeriesPoint {
  t: number;
  cohort: Cohort;
  requests: number;
  errorRate: number | null;
  p95: number | null;
  p99: number | null;
  conversion: number | null;
}

export function toSeriesPoint(sample: CohortSample): SeriesPoint {
  const conversions = sample.conversions;
  return {
    t: sample.intervalEnd,
    cohort: sample.cohort,
    requests: sample.requests,
    errorRate: sample.requests > 0 ? sample.errors / sample.requests : null,
    p95: histogramQuantile(sample.latency, 0.95),
    p99: histogramQuantile(sample.latency, 0.99),
    conversion: conversions && conversions.trials > 0 ? conversions.successes / conversions.trials : null,
  };
}

/**
 * How far ahead of the receiving clock an interval may end: clocks drift, but a sample from the future
 * (epoch seconds read as milliseconds' worth of years, a wrong time zone) would stand as the newest
 * evidence and count in SLO windows until its date came.
 */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/**
 * Everything wrong with a sample, each naming its field; empty when the sample is valid. Counts must be
 * whole and non-negative, errors ≤ requests, the histogram's counts one longer than its increasing bounds
 * and summing to requests, successes ≤ trials; with the receiver's clock `now` (epoch ms), the interval
 * must end at most MAX_CLOCK_AHEAD_MS after it.
 */
export function sampleProblems(sample: CohortSample, now?: number): string[] {
  const problems: string[] = [];
  if (now !== undefined && sample.intervalEnd > now + MAX_CLOCK_AHEAD_MS) {
    const at = Number.isFinite(sample.intervalEnd) ? new Date(sample.intervalEnd).toISOString() : "?";
    const latest = new Date(now + MAX_CLOCK_AHEAD_MS).toISOString();
    problems.push(
      `intervalEnd: ${at} is more than ${MAX_CLOCK_AHEAD_MS / 60_000} minutes ahead of this server's clock (latest ${latest})`,
    );
  }
  const wholeCount = (value: number, field: string) => {
    if (!Number.isInteger(value) || value < 0) problems.push(`${field}: must be a whole number ≥ 0`);
  };
  wholeCount(sample.requests, "requests");
  wholeCount(sample.errors, "errors");
  if (sample.errors > sample.requests) problems.push("errors: must not exceed requests");
  if (!Number.isInteger(sample.intervalSeconds) || sample.intervalSeconds <= 0) {
    problems.push("intervalSeconds: must be a whole number of seconds > 0");
  }
  const { bounds, counts } = sample.latency;
  if (bounds.length === 0) problems.push("latency.bounds: needs at least one bucket bound");
  bounds.forEach((bound, i) => {
    if (!(bound > (i === 0 ? 0 : (bounds[i - 1] ?? 0)))) {
      problems.push(`latency.bounds[${i}]: bounds must be positive and strictly increasing`);
    }
  });
  if (counts.length !== bounds.length + 1) {
    problems.push(`latency.counts: needs ${bounds.length + 1} entries (one per bound plus overflow)`);
  }
  counts.forEach((count, i) => {
    wholeCount(count, `latency.counts[${i}]`);
  });
  const histogramTotal = counts.reduce((sum, c) => sum + c, 0);
  if (histogramTotal !== sample.requests) {
    problems.push(`latency.counts: sum ${histogramTotal} must equal requests ${sample.requests}`);
  }
  if (sample.conversions) {
    wholeCount(sample.conversions.successes, "conversions.successes");
    wholeCount(sample.conversions.trials, "conversions.trials");
    if (sample.conversions.successes > sample.conversions.trials) {
      problems.push("conversions.successes: must not exceed trials");
    }
  }
  return problems;
}
