import type { LatencyHistogram } from "../analysis/analysis-sample";
import { histogramQuantile } from "../analysis/latency-histogram";

export type Cohort = "baseline" | "canary";

/** Traffic over one interval: what every sample carries, whoever's traffic it is. */
export interface IntervalTraffic {
  /** End of the interval, epoch ms; the sample covers (intervalEnd - intervalSeconds, intervalEnd]. */
  intervalEnd: number;
  intervalSeconds: number;
  requests: number;
  errors: number;
  latency: LatencyHistogram;
  conversions?: { successes: number; trials: number } | null;
}

/** One cohort's traffic over one interval, whatever the source (simulator, push API, Prometheus). */
export interface CohortSample extends IntervalTraffic {
  rolloutId: string;
  cohort: Cohort;
  conversions: { successes: number; trials: number } | null;
}

/** A service's whole traffic in one environment over one interval, rollout or not (what its SLOs judge). */
export interface ServiceSample extends IntervalTraffic {
  service: string;
  environment: string;
}

/**
 * Several samples' traffic over the same interval as one (both cohorts of a rollout: the whole service).
 * Their histograms must share bounds. Conversions are left out: SLOs do not judge them.
 */
export function combineTraffic(samples: readonly IntervalTraffic[]): IntervalTraffic {
  const [first, ...rest] = samples;
  if (!first) throw new Error("combineTraffic needs at least one sample");
  const counts = [...first.latency.counts];
  for (const sample of rest) {
    if (sample.intervalEnd !== first.intervalEnd || sample.intervalSeconds !== first.intervalSeconds) {
      throw new Error("combineTraffic: samples of different intervals");
    }
    if (sample.latency.bounds.join() !== first.latency.bounds.join()) {
      throw new Error("combineTraffic: histograms with different bounds");
    }
    sample.latency.counts.forEach((count, i) => {
      counts[i] = (counts[i] ?? 0) + count;
    });
  }
  return {
    intervalEnd: first.intervalEnd,
    intervalSeconds: first.intervalSeconds,
    requests: samples.reduce((sum, s) => sum + s.requests, 0),
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
    latency: { bounds: [...first.latency.bounds], counts },
  };
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
export function sampleProblems(sample: IntervalTraffic, now?: number): string[] {
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

/** A value of a resent sample that differs from the stored sample of its key, both as text. */
export interface SampleDifference {
  field: string;
  sent: string;
  stored: string;
}

/**
 * Where `sent` differs from `stored`, a sample with the same key (rollout, cohort, interval end): every
 * value is compared, `conversions` as a whole when only one of them has any. Empty when they are alike,
 * which makes `sent` a harmless retry; otherwise it is a correction that must not pass as one.
 */
export function sampleDifferences(sent: IntervalTraffic, stored: IntervalTraffic): SampleDifference[] {
  const differences: SampleDifference[] = [];
  const compare = (field: string, a: number | readonly number[], b: number | readonly number[]) => {
    const text = (v: number | readonly number[]) => (typeof v === "number" ? String(v) : `[${v.join(",")}]`);
    if (text(a) !== text(b)) differences.push({ field, sent: text(a), stored: text(b) });
  };
  compare("intervalSeconds", sent.intervalSeconds, stored.intervalSeconds);
  compare("requests", sent.requests, stored.requests);
  compare("errors", sent.errors, stored.errors);
  compare("latency.bounds", sent.latency.bounds, stored.latency.bounds);
  compare("latency.counts", sent.latency.counts, stored.latency.counts);
  // Service samples carry no conversions: absent and none are alike.
  const sentConversions = sent.conversions ?? null;
  const storedConversions = stored.conversions ?? null;
  if (sentConversions && storedConversions) {
    compare("conversions.successes", sentConversions.successes, storedConversions.successes);
    compare("conversions.trials", sentConversions.trials, storedConversions.trials);
  } else if (sentConversions || storedConversions) {
    const text = (c: IntervalTraffic["conversions"]) => (c ? `${c.successes}/${c.trials}` : "none");
    differences.push({
      field: "conversions",
      sent: text(sentConversions),
      stored: text(storedConversions),
    });
  }
  return differences;
}

/**
 * Why a sample was not stored although valid: its key is taken by a sample with other values, and the
 * stored one stands (it may already have been judged and audited). Names the key (`whose` traffic, e.g.
 * `cohortOf(sample)`) and each difference, e.g. "interval ending 2026-11-27T10:00:10.000Z of canary
 * (rollout r1) already stored with other values (sent ≠ stored: requests 120 ≠ 118); the stored sample
 * stands". `storedBy` names what stored it when that is known, e.g. an earlier sample of the same batch.
 */
export function describeSampleConflict(
  sample: IntervalTraffic,
  whose: string,
  differences: readonly SampleDifference[],
  storedBy?: string,
): string {
  const at = new Date(sample.intervalEnd).toISOString();
  const listed = differences.map((d) => `${d.field} ${d.sent} ≠ ${d.stored}`).join(", ");
  const by = storedBy === undefined ? "" : ` by ${storedBy}`;
  return (
    `interval ending ${at} of ${whose} already stored${by} with ` +
    `other values (sent ≠ stored: ${listed}); the stored sample stands`
  );
}

/** "canary (rollout r1)": whose traffic a cohort sample is. */
export const cohortOf = (sample: CohortSample): string => `${sample.cohort} (rollout ${sample.rolloutId})`;

/** "checkout-api in production": whose traffic a service sample is. */
export const serviceOf = (sample: ServiceSample): string => `${sample.service} in ${sample.environment}`;
