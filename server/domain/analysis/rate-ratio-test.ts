/**
 * Sequential comparison of an event rate (errors, conversions, slow requests) between canary and baseline.
 *
 * Each interval is a stratum. Given the events both cohorts saw in it, the canary's share of them is
 * binomial with p = θπ / (θπ + 1 − π), where π is the canary's share of the interval's traffic and θ the
 * ratio of canary to baseline rate. Conditioning on each interval's total cancels whatever moved both
 * cohorts at once (a global incident, a traffic spike, noisy per-interval rates): only θ is left.
 *
 * Evidence against θ = 1 is a mixture likelihood ratio over a grid of bad-side θ: a nonnegative martingale
 * under the null, so by Ville's inequality it exceeds 1/α with probability ≤ α however often it is looked
 * at. That is what makes an every-interval verdict safe.
 */

import { logSumExp } from "./log-sum-exp";

export interface RateStratum {
  canaryEvents: number;
  canaryTotal: number;
  baselineEvents: number;
  baselineTotal: number;
}

export type BadDirection = "higher" | "lower";

/** Bad-side rate ratios the mixture spreads over, equal weights (≈ log-uniform prior from +10% to ×50). */
export const RATIO_GRID: readonly number[] = [1.1, 1.2, 1.35, 1.5, 1.75, 2, 2.5, 3, 4, 6, 10, 20, 50];

/** Natural log of the mixture e-value against "canary rate = baseline rate", over all strata. */
export function logRateEvidence(
  strata: readonly RateStratum[],
  direction: BadDirection,
  grid: readonly number[] = RATIO_GRID,
): number {
  return logRateEvidenceByStart(strata, direction, grid)[0] ?? 0;
}

/**
 * The same e-value run from each stratum on: element j uses strata j, j+1, … only (change-point-evidence
 * mixes them). Suffix sums of per-stratum log likelihood ratios, so O(strata × grid).
 */
export function logRateEvidenceByStart(
  strata: readonly RateStratum[],
  direction: BadDirection,
  grid: readonly number[] = RATIO_GRID,
): number[] {
  const suffix = new Array<number>(grid.length).fill(0);
  const out = new Array<number>(strata.length).fill(0);
  for (let j = strata.length - 1; j >= 0; j--) {
    const s = strata[j];
    const events = s ? s.canaryEvents + s.baselineEvents : 0;
    if (s && events > 0 && s.canaryTotal > 0 && s.baselineTotal > 0) {
      const pi = s.canaryTotal / (s.canaryTotal + s.baselineTotal);
      const x = s.canaryEvents;
      for (let k = 0; k < grid.length; k++) {
        const ratio = grid[k] ?? 1;
        const theta = direction === "higher" ? ratio : 1 / ratio;
        const p = (theta * pi) / (theta * pi + 1 - pi);
        suffix[k] = (suffix[k] ?? 0) + x * Math.log(p / pi) + (events - x) * Math.log((1 - p) / (1 - pi));
      }
    }
    out[j] = logMeanExp(suffix);
  }
  return out;
}

/** Multiples of the margin ratio the pass side's alternative spreads over (the margin itself and beyond). */
export const PAST_MARGIN_GRID: readonly number[] = [1, ...RATIO_GRID];

/**
 * Natural log of the likelihood ratio (Bayes factor) of "the canary's rate ratio is past the margin ratio"
 * against "no difference", stratified as above. The bad side is spread over ratios marginRatio·g ("higher")
 * or marginRatio/g ("lower"), g in the grid, equal weights. Small values say the data favour no difference:
 * averaged over that spread of regressions, a regression gets a factor ≤ k with probability ≤ k.
 */
export function logPastMarginEvidence(
  strata: readonly RateStratum[],
  direction: BadDirection,
  marginRatio: number,
  grid: readonly number[] = PAST_MARGIN_GRID,
): number {
  const sums = new Array<number>(grid.length).fill(0);
  for (const s of strata) {
    const events = s.canaryEvents + s.baselineEvents;
    if (events <= 0 || s.canaryTotal <= 0 || s.baselineTotal <= 0) continue;
    const pi = s.canaryTotal / (s.canaryTotal + s.baselineTotal);
    const x = s.canaryEvents;
    for (let k = 0; k < grid.length; k++) {
      const g = grid[k] ?? 1;
      const theta = direction === "higher" ? marginRatio * g : marginRatio / g;
      const p = Math.min(Math.max((theta * pi) / (theta * pi + 1 - pi), 1e-12), 1 - 1e-12);
      sums[k] = (sums[k] ?? 0) + x * Math.log(p / pi) + (events - x) * Math.log((1 - p) / (1 - pi));
    }
  }
  return logMeanExp(sums);
}

function logMeanExp(values: readonly number[]): number {
  return logSumExp(values) - Math.log(values.length);
}

export interface RateTotals {
  canaryEvents: number;
  canaryTotal: number;
  baselineEvents: number;
  baselineTotal: number;
}

export function sumStrata(strata: readonly RateStratum[]): RateTotals {
  const t = { canaryEvents: 0, canaryTotal: 0, baselineEvents: 0, baselineTotal: 0 };
  for (const s of strata) {
    t.canaryEvents += s.canaryEvents;
    t.canaryTotal += s.canaryTotal;
    t.baselineEvents += s.baselineEvents;
    t.baselineTotal += s.baselineTotal;
  }
  return t;
}

/**
 * The tolerance line for the canary's rate: the rate it may reach before the change matters, i.e. worse
 * than the baseline by both the relative and the absolute margin. Returns the line and its variance
 * (from the baseline's own sampling error).
 */
export function rateMargin(
  baselineRate: number,
  baselineTotal: number,
  direction: BadDirection,
  minRelativeChange: number,
  minAbsoluteChange: number,
): { rate: number; variance: number } {
  const baseVar = baselineTotal > 0 ? (baselineRate * (1 - baselineRate)) / baselineTotal : 0;
  if (direction === "higher") {
    const relative = baselineRate * (1 + minRelativeChange);
    const absolute = baselineRate + minAbsoluteChange;
    const slope = relative >= absolute ? 1 + minRelativeChange : 1;
    return { rate: Math.min(1, Math.max(relative, absolute)), variance: slope * slope * baseVar };
  }
  const relative = baselineRate * (1 - minRelativeChange);
  const absolute = baselineRate - minAbsoluteChange;
  const slope = relative <= absolute ? 1 - minRelativeChange : 1;
  return { rate: Math.max(0, Math.min(relative, absolute)), variance: slope * slope * baseVar };
}

/**
 * z of the canary's rate against a tolerance line (a one-sided non-inferiority score test): strongly
 * negative means the canary is clearly on the good side of the line for "higher" (positive for "lower").
 * Uses the line's own binomial variance, so zero canary events still give evidence once the expected count
 * under the line is a few events.
 */
export function marginZ(events: number, total: number, margin: { rate: number; variance: number }): number {
  if (total <= 0) return 0;
  const m = Math.min(Math.max(margin.rate, 1e-9), 1 - 1e-9);
  const se = Math.sqrt((m * (1 - m)) / total + margin.variance);
  return (events / total - m) / se;
}
