/**
 * Today's canary judges, configured as their documentation shows, for the comparison: each reads a
 * replayed step (the same input the evaluator gets) and decides as that tool would.
 * - Argo Rollouts: an AnalysisTemplate measured every interval on the canary alone, error rate ≤ 1% and
 *   p99 ≤ 500 ms; `failureLimit` 0 (its default) aborts on the first failed measurement, and
 *   `consecutiveErrorLimit` 4 (its default) aborts after five intervals in a row without data.
 * - Flagger: a check every minute over the last minute, request success rate ≥ 99% and request duration
 *   p99 ≤ 500 ms; `threshold` 5 failed checks roll back. A query without values is a failed check.
 * - Kayenta (NetflixACAJudge), once at the end of the hold: per metric, the canary's per-interval values
 *   against the baseline's, a Mann-Whitney 98% confidence interval on the Hodges-Lehmann shift; a metric is
 *   worse when that interval clears the tolerance (0.25 × the shift). Metrics without data are left out. The
 *   score is the share of metrics not worse: under 75 (marginal) fails, 95 or more passes, marginal between.
 */
import { type IntervalPair, pairByInterval } from "../server/domain/analysis/analysis-sample";
import { addHistograms, histogramQuantile } from "../server/domain/analysis/latency-histogram";
import { normalQuantile } from "../server/domain/analysis/normal-distribution";
import type { ReplayInput } from "../server/domain/analysis/replay-step";
import { median } from "./analysis-score";

export interface ToolDecision {
  decision: "rollback" | "promote" | "inconclusive";
  decidedAtSeconds: number;
}

const MAX_ERROR_RATE = 0.01;
const MAX_P99_MS = 500;

/** A canary window over a fixed threshold: the check both Argo's and Flagger's documented templates run. */
function overThresholds(canary: readonly IntervalPair[]): boolean | null {
  const samples = canary.flatMap((p) => (p.canary && p.canary.requests > 0 ? [p.canary] : []));
  const requests = samples.reduce((n, s) => n + s.requests, 0);
  const latency = addHistograms(samples.map((s) => s.latency));
  if (requests === 0 || !latency) return null;
  const errors = samples.reduce((n, s) => n + s.errors, 0);
  return errors / requests > MAX_ERROR_RATE || (histogramQuantile(latency, 0.99) ?? 0) > MAX_P99_MS;
}

/** The hold's interval ends, missing ones included (a missing sample is an interval without data). */
function holdIntervals(input: ReplayInput): IntervalPair[] {
  const byEnd = new Map(pairByInterval(input.samples).map((p) => [p.intervalEnd, p]));
  const last = Math.max(...byEnd.keys());
  const ends: number[] = [];
  for (let t = input.intervalSeconds; t <= last; t += input.intervalSeconds) ends.push(t);
  return ends.map((t) => byEnd.get(t) ?? { intervalEnd: t });
}

export function argoStyle(input: ReplayInput): ToolDecision {
  const CONSECUTIVE_ERROR_LIMIT = 4;
  let errorsInARow = 0;
  const intervals = holdIntervals(input);
  for (const pair of intervals) {
    const over = overThresholds([pair]);
    errorsInARow = over === null ? errorsInARow + 1 : 0;
    if (over || errorsInARow > CONSECUTIVE_ERROR_LIMIT)
      return { decision: "rollback", decidedAtSeconds: pair.intervalEnd };
  }
  return { decision: "promote", decidedAtSeconds: intervals.at(-1)?.intervalEnd ?? 0 };
}

export function flaggerStyle(input: ReplayInput): ToolDecision {
  const THRESHOLD = 5;
  const CHECK_SECONDS = 60;
  const intervals = holdIntervals(input);
  const perCheck = Math.max(1, Math.round(CHECK_SECONDS / input.intervalSeconds));
  let failed = 0;
  for (let end = perCheck; end <= intervals.length; end += perCheck) {
    const window = intervals.slice(end - perCheck, end);
    if (overThresholds(window) !== false) failed++;
    if (failed >= THRESHOLD)
      return { decision: "rollback", decidedAtSeconds: window.at(-1)?.intervalEnd ?? 0 };
  }
  return { decision: "promote", decidedAtSeconds: intervals.at(-1)?.intervalEnd ?? 0 };
}

/**
 * The Hodges-Lehmann shift (median of canary − baseline differences) and its two-sided Mann-Whitney
 * confidence interval at `confidence`, by the normal approximation to the rank of the differences.
 */
export function hodgesLehmann(canary: readonly number[], baseline: readonly number[], confidence: number) {
  const diffs = canary.flatMap((c) => baseline.map((b) => c - b)).sort((x, y) => x - y);
  const n = diffs.length;
  const estimate = median(diffs);
  const m = canary.length;
  const k = baseline.length;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const rank = Math.max(0, Math.floor(n / 2 - z * Math.sqrt((m * k * (m + k + 1)) / 12)));
  return { estimate, lower: diffs[rank] ?? 0, upper: diffs[n - 1 - rank] ?? 0 };
}

type Metric = {
  value: (s: NonNullable<IntervalPair["canary"]>) => number | null;
  worseWhen: "higher" | "lower";
};

const KAYENTA_METRICS: readonly Metric[] = [
  { value: (s) => (s.requests > 0 ? s.errors / s.requests : null), worseWhen: "higher" },
  { value: (s) => histogramQuantile(s.latency, 0.95), worseWhen: "higher" },
  { value: (s) => histogramQuantile(s.latency, 0.99), worseWhen: "higher" },
  {
    value: (s) => (s.conversions?.trials ? s.conversions.successes / s.conversions.trials : null),
    worseWhen: "lower",
  },
];

export function kayentaStyle(input: ReplayInput): ToolDecision {
  const CONFIDENCE = 0.98;
  const TOLERANCE = 0.25;
  const intervals = holdIntervals(input);
  const series = (metric: Metric, cohort: "canary" | "baseline") =>
    intervals.flatMap((p) => {
      const sample = p[cohort];
      const v = sample ? metric.value(sample) : null;
      return v === null ? [] : [v];
    });
  let judged = 0;
  let notWorse = 0;
  for (const metric of KAYENTA_METRICS) {
    const canary = series(metric, "canary");
    const baseline = series(metric, "baseline");
    if (canary.length === 0 || baseline.length === 0) continue;
    judged++;
    const { estimate, lower, upper } = hodgesLehmann(canary, baseline, CONFIDENCE);
    const critical = TOLERANCE * Math.abs(estimate);
    const worse = metric.worseWhen === "higher" ? lower > critical : upper < -critical;
    if (!worse) notWorse++;
  }
  const score = judged > 0 ? (100 * notWorse) / judged : 100;
  const decidedAtSeconds = intervals.at(-1)?.intervalEnd ?? 0;
  if (score < 75) return { decision: "rollback", decidedAtSeconds };
  return { decision: score >= 95 ? "promote" : "inconclusive", decidedAtSeconds };
}
