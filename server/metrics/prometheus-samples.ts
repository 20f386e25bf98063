import type { Cohort, CohortSample, IntervalTraffic } from "../domain/metrics/cohort-sample";
import type { VectorElement } from "./prometheus-api";

const COHORTS: readonly Cohort[] = ["baseline", "canary"];

/** The query results of one service over one interval, each an instant vector labelled by `cohort`. */
export interface IntervalResults {
  errors: readonly VectorElement[];
  /** Cumulative bucket increases labelled by `cohort` and `le` (seconds, "+Inf" last). */
  latencyBuckets: readonly VectorElement[];
  conversions: { successes: readonly VectorElement[]; trials: readonly VectorElement[] } | null;
}

/** The query results of a service's whole traffic over one interval: no `cohort` label, `le` on buckets. */
export type ServiceResults = Pick<IntervalResults, "errors" | "latencyBuckets">;

export type CohortCounts = Pick<CohortSample, "cohort" | "requests" | "errors" | "latency" | "conversions">;

export type ServiceCounts = Pick<IntervalTraffic, "requests" | "errors" | "latency">;

/** Picks a part of the traffic (a cohort, or all of it) out of a result by an element's labels. */
type Select = (labels: VectorElement["labels"]) => boolean;

/** A part's counts: a cohort's without its name (a service's have no conversions). */
type Counts = Omit<CohortCounts, "cohort">;

export interface IntervalConversion {
  samples: CohortCounts[];
  /** Cohorts without a sample and why (an outage for the gates, never a pass). */
  skipped: { cohort: Cohort; reason: string }[];
}

/**
 * Turns one interval's query results into cohort counts that `sampleProblems` accepts. Prometheus'
 * `increase()` extrapolates, so values are fractional and bucket series can disagree slightly: values are
 * clamped at 0 (a counter reset can make a hand-written template negative), each cumulative bucket is
 * rounded and made non-decreasing, and per-bucket counts are the differences, so they always add up to
 * the rounded `+Inf` bucket, which is the cohort's request count. Errors and conversion successes are
 * clamped to what they are a part of. Both cohorts' histograms use only the bounds both report (a
 * bound one lacks merges that bucket into the next in both); with no finite bound in common, neither
 * gets a sample. Any NaN or infinite value, or no histogram at all, drops the cohort's sample. An
 * errors (or successes) result without the cohort means no such series: zero.
 */
export function toCohortCounts(results: IntervalResults): IntervalConversion {
  const samples: CohortCounts[] = [];
  const skipped: IntervalConversion["skipped"] = [];
  const parts = COHORTS.map((cohort) => ({
    cohort,
    select: (labels: VectorElement["labels"]) => labels.cohort === cohort,
  }));
  for (const { part, counts } of toCounts(results, parts)) {
    if (typeof counts === "string") skipped.push({ cohort: part.cohort, reason: counts });
    else samples.push({ cohort: part.cohort, ...counts });
  }
  return { samples, skipped };
}

/**
 * Turns the results of a service's whole-traffic queries into its counts, by the same rules as a
 * cohort's (above), every element being the service's: elements that share a bound (or the errors
 * result's several series) add up. Returns why there is none when the results give no sample.
 */
export function toServiceCounts(results: ServiceResults): ServiceCounts | string {
  const counts = toCounts({ ...results, conversions: null }, [{ select: () => true }])[0]?.counts ?? "";
  if (typeof counts === "string") return counts;
  const { conversions: _, ...traffic } = counts;
  return traffic;
}

/**
 * The counts of each part of the traffic (a cohort, or the whole service), each part picking its
 * elements out of every result by their labels, or why a part has none. The parts' histograms are
 * compared on the bounds all usable ones report.
 */
function toCounts<P extends { select: Select }>(
  results: IntervalResults,
  parts: readonly P[],
): { part: P; counts: Counts | string }[] {
  const cumulatives = parts.map((part) => ({
    part,
    cumulative: partCumulative(results.latencyBuckets, part.select),
  }));
  const bounds = sharedBounds(cumulatives.flatMap(({ cumulative: c }) => (typeof c === "string" ? [] : [c])));
  return cumulatives.map(({ part, cumulative }) => {
    const latency = typeof cumulative === "string" ? cumulative : perBucket(cumulative, bounds);
    if (typeof latency === "string") return { part, counts: latency };
    const requests = latency.counts.reduce((sum, c) => sum + c, 0);
    const errors = sumFor(results.errors, part.select) ?? 0;
    if (!Number.isFinite(errors)) return { part, counts: `errors is ${errors}` };
    return {
      part,
      counts: {
        requests,
        errors: Math.min(requests, wholeCount(errors)),
        latency,
        conversions: results.conversions && partConversions(results.conversions, part.select),
      },
    };
  });
}

/** One part's cumulative bucket values by finite bound (ms), and its +Inf bucket. */
interface Cumulative {
  byBound: Map<number, number>;
  overflow: number;
}

function partCumulative(buckets: readonly VectorElement[], select: Select): Cumulative | string {
  const byBound = new Map<number, number>();
  let overflow: number | null = null;
  for (const element of buckets) {
    if (!select(element.labels)) continue;
    const le = parseLe(element.labels.le);
    if (le === null) continue;
    if (!Number.isFinite(element.value)) return `latency bucket le=${element.labels.le} is ${element.value}`;
    if (le === Infinity) overflow = (overflow ?? 0) + element.value;
    // A bucket at or below 0 ms is already counted in the first positive bucket (they are cumulative).
    else if (le > 0) byBound.set(secondsToMs(le), (byBound.get(secondsToMs(le)) ?? 0) + element.value);
  }
  if (overflow === null) {
    return byBound.size === 0 ? "no latency histogram" : "latency histogram has no +Inf bucket";
  }
  if (byBound.size === 0) return "latency histogram has only a +Inf bucket";
  return { byBound, overflow };
}

/**
 * The bounds every usable part's histogram reports, ascending. Comparing cohorts on a bound one lacks
 * would read its requests there as in the next bucket up, i.e. slower; without the bound both merge.
 */
function sharedBounds(histograms: readonly Cumulative[]): number[] {
  const [first, ...others] = histograms;
  return [...(first?.byBound.keys() ?? [])]
    .filter((bound) => others.every((h) => h.byBound.has(bound)))
    .sort((a, b) => a - b);
}

function perBucket(
  { byBound, overflow }: Cumulative,
  bounds: readonly number[],
): CohortSample["latency"] | string {
  if (bounds.length === 0) return "latency histograms share no finite bucket bound";
  const counts: number[] = [];
  let below = 0;
  // Shared bounds are the part's own (`?? 0` is for the type); its other bounds merge into the next.
  for (const value of [...bounds.map((b) => byBound.get(b) ?? 0), overflow]) {
    // A bound that fell below its predecessor after extrapolation adds nothing.
    const atOrBelow = Math.max(below, wholeCount(value));
    counts.push(atOrBelow - below);
    below = atOrBelow;
  }
  return { bounds: [...bounds], counts };
}

function partConversions(
  conversions: NonNullable<IntervalResults["conversions"]>,
  select: Select,
): CohortSample["conversions"] {
  const trials = sumFor(conversions.trials, select);
  const successes = sumFor(conversions.successes, select) ?? 0;
  if (trials === null || !Number.isFinite(trials) || !Number.isFinite(successes)) return null;
  const wholeTrials = wholeCount(trials);
  return { successes: Math.min(wholeTrials, wholeCount(successes)), trials: wholeTrials };
}

/** The part's value, adding up its elements; null when the vector has none of the part's. */
function sumFor(vector: readonly VectorElement[], select: Select): number | null {
  const values = vector.filter((e) => select(e.labels)).map((e) => e.value);
  return values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0);
}

function wholeCount(value: number): number {
  return Math.max(0, Math.round(value));
}

function parseLe(le: string | undefined): number | null {
  if (le === undefined) return null;
  if (le === "+Inf" || le === "Inf") return Infinity;
  const value = Number(le);
  return Number.isNaN(value) || le.trim() === "" ? null : value;
}

/** `le` is in seconds; Sluice's bounds are ms. Rounded so 0.3 s is 300 ms, not 300.00000000000006. */
function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1000 * 1e6) / 1e6;
}
