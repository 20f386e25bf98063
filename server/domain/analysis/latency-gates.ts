import type { LatencyHistogram } from "./analysis-sample";
import { combineStarts } from "./change-point-evidence";
import type { CompareWindow } from "./compare-window";
import { changePointPrior, clearlyPastMargin, completePairs } from "./compare-window";
import { expectedCount, ms, signedChange } from "./describe-numbers";
import type { GateConfig } from "./gate-config";
import { decideGate, inconclusive, type JudgedGate } from "./gate-verdict";
import {
  addHistograms,
  countAbove,
  exceedanceBound,
  histogramQuantile,
  histogramTotal,
  sameBounds,
  shareAbove,
} from "./latency-histogram";
import { logSumExp } from "./log-sum-exp";
import { type RankShiftStratum, rankEvidenceByStart, rankStratum, summarizeRank } from "./rank-shift-test";
import { logRateEvidenceByStart, marginZ, type RateStratum } from "./rate-ratio-test";
import { shiftHistogram } from "./shift-histogram";

const QUANTILE = { "latency-p95": 0.95, "latency-p99": 0.99 } as const;

function mergedCohorts(window: CompareWindow) {
  const pairs = completePairs(window);
  const canary = addHistograms(pairs.map((p) => p.canary.latency));
  const baseline = addHistograms(pairs.map((p) => p.baseline.latency));
  return { pairs, canary, baseline };
}

/** The slowdown factor at a gate's margin: worse by both the relative and the absolute (ms) margin. */
function marginFactor(gate: GateConfig, baselineValue: number): number {
  const relative = 1 + gate.minRelativeChange;
  const absolute = baselineValue > 0 ? 1 + gate.minAbsoluteChange / baselineValue : relative;
  return Math.max(relative, absolute);
}

/**
 * Where the fail side of a quantile gate looks, with prior weights fixed in advance. p95: its own bound.
 * p99: its own bound and the next two above it, because a far-tail regression (a few percent of requests
 * several times slower) is diluted at the p99 bound but stands out above the higher ones, where the
 * baseline has almost nothing. The weights sum to 1, so the weighted sum of the bounds' e-values is still
 * an e-value.
 */
const TAIL_BOUND_WEIGHTS = {
  "latency-p95": [1],
  "latency-p99": [0.5, 0.25, 0.25],
} as const satisfies Record<keyof typeof QUANTILE, readonly number[]>;

interface TailBound {
  index: number;
  /** log(weight) + log e-value of "more canary requests above this bound than baseline ones". */
  logWeightedE: number;
  canaryAbove: number;
  expected: number;
  atMargin: number;
  /** The canary's share above the bound, since the evidence's start, is clearly past the margin line. */
  matters: boolean;
}

/**
 * p95 / p99: the share of canary requests above the baseline's quantile (a bucket bound), compared with the
 * baseline's own share by the stratified rate test. Each interval counts against the bound set by the
 * baseline intervals before it, so the bound never depends on the canary. Passing is judged at that bound;
 * p99 fails also on the bounds above it (TAIL_BOUND_WEIGHTS), counting only those past their margins.
 */
export function judgeLatencyQuantile(
  gate: GateConfig & { metric: "latency-p95" | "latency-p99" },
  window: CompareWindow,
): JudgedGate {
  const q = QUANTILE[gate.metric];
  const label = gate.metric === "latency-p95" ? "p95" : "p99";
  const { pairs, canary, baseline } = mergedCohorts(window);
  if (!canary || !baseline || histogramTotal(canary) === 0 || histogramTotal(baseline) === 0) {
    return inconclusive(gate, `no ${label} latency to compare; inconclusive`);
  }
  const nc = histogramTotal(canary);
  const nb = histogramTotal(baseline);
  const qc = histogramQuantile(canary, q) ?? 0;
  const qb = histogramQuantile(baseline, q) ?? 0;
  const values = `canary ${label} ${ms(qc)} vs baseline ${ms(qb)} (${signedChange(qc, qb)})`;
  if (nc < gate.minSamples) {
    return inconclusive(
      gate,
      `${values}; below minimum sample of ${gate.minSamples} canary requests; inconclusive`,
    );
  }
  const bound = exceedanceBound(baseline, q);
  if (bound === null)
    return inconclusive(gate, `${values}; baseline has no ${label} tail to compare; inconclusive`);

  const weights = TAIL_BOUND_WEIGHTS[gate.metric];
  const { strataByOffset, judgedCanaries } = tailStrata(window, pairs, q, weights.length);
  const factor = marginFactor(gate, qb);
  // One bound's test: its e-value from its own change-point start, and whether the change there matters.
  const tailBound = (offset: number): TailBound => {
    const index = bound + offset;
    const strata = strataByOffset[offset] ?? [];
    const { logE, start } = combineStarts(logRateEvidenceByStart(strata, "higher"), changePointPrior(window));
    const baselineShare = countAbove(baseline, index) / nb;
    // At the margin every request is `factor` slower: the share above the bound is the baseline's share
    // above bound / factor.
    const marginShare = Math.max(shareAbove(baseline, (baseline.bounds[index] ?? 0) / factor), baselineShare);
    // Judged from where the evidence says the regression began (a late onset is diluted in the whole hold).
    const recent = start > 0 ? addHistograms(judgedCanaries.slice(start)) : canary;
    const recentTotal = recent ? histogramTotal(recent) : 0;
    const recentShare = recent && recentTotal > 0 ? countAbove(recent, index) / recentTotal : 0;
    return {
      index,
      logWeightedE: Math.log(weights[offset] ?? 0) + logE,
      canaryAbove: countAbove(canary, index),
      expected: nc * baselineShare,
      atMargin: nc * marginShare,
      matters:
        recentTotal > 0 &&
        clearlyPastMargin(
          recentShare - marginShare,
          Math.sqrt((recentShare * (1 - recentShare)) / recentTotal),
          window,
        ),
    };
  };
  const own = tailBound(0);
  const tails = [own];
  for (let offset = 1; offset < weights.length && bound + offset < baseline.bounds.length; offset++) {
    tails.push(tailBound(offset));
  }
  const mattering = tails.filter((t) => t.matters);
  // Only bounds past their margins count towards failing; with none, the evidence is shown as is.
  const counted = mattering.length > 0 ? mattering : tails;
  const logE = logSumExp(counted.map((t) => t.logWeightedE));
  const strongest = counted.reduce((a, b) => (b.logWeightedE > a.logWeightedE ? b : a));

  const ownShare = own.expected / nc;
  const marginShare = own.atMargin / nc;
  const ratio = ownShare > 0 ? marginShare / ownShare : 1;
  const z = marginZ(own.canaryAbove, nc, {
    rate: marginShare,
    variance: (ratio * ratio * ownShare * (1 - ownShare)) / nb,
  });
  const above = (t: TailBound) =>
    `${t.canaryAbove}/${nc} canary requests above ${ms(baseline.bounds[t.index] ?? 0)}`;
  const farther =
    strongest === own
      ? ""
      : `; ${above(strongest)} where ${expectedCount(strongest.expected)} were expected (${expectedCount(strongest.atMargin)} at the margin)`;
  return decideGate(gate, {
    logEvidence: logE,
    matters: mattering.length > 0,
    clearOfMargin: z <= -window.tuning.passZ,
    failAlpha: window.tuning.failAlpha,
    numbers: `${values}, ${above(own)} (baseline's ${label} bucket) where ${expectedCount(own.expected)} were expected (${expectedCount(own.atMargin)} at the margin)${farther}`,
  });
}

/**
 * Per-interval counts above the quantile's bound and the `bounds − 1` bounds after it (one strata list per
 * bound, aligned with the judged canary histograms; an interval with no such bound counts as no events).
 * Each interval's quantile bound comes from the baseline intervals before it.
 */
function tailStrata(
  window: CompareWindow,
  pairs: readonly { intervalEnd: number }[],
  q: number,
  bounds: number,
) {
  const strataByOffset: RateStratum[][] = Array.from({ length: bounds }, () => []);
  const judgedCanaries: LatencyHistogram[] = [];
  let earlier: LatencyHistogram | null = null;
  const judged = new Set(pairs.map((p) => p.intervalEnd));
  for (const pair of window.pairs) {
    const b = pair.baseline;
    if (
      pair.canary &&
      b &&
      judged.has(pair.intervalEnd) &&
      (!earlier || sameBounds(earlier, pair.canary.latency))
    ) {
      const reference = earlier && histogramTotal(earlier) > 0 ? earlier : b.latency;
      const j = exceedanceBound(reference, q);
      if (j !== null) {
        const c = pair.canary;
        strataByOffset.forEach((strata, offset) => {
          const index = j + offset;
          const exists = index < reference.bounds.length;
          strata.push({
            canaryEvents: exists ? countAbove(c.latency, index) : 0,
            canaryTotal: c.requests,
            baselineEvents: exists ? countAbove(b.latency, index) : 0,
            baselineTotal: b.requests,
          });
        });
        judgedCanaries.push(c.latency);
      }
    }
    if (b) earlier = earlier ? addHistograms([earlier, b.latency]) : b.latency;
  }
  return { strataByOffset, judgedCanaries };
}

/**
 * Whole-distribution shift: fails on rank evidence that canary requests are slower and P(canary slower)
 * clearly past what a margin-sized slowdown would give; passes when it is clearly below that.
 */
export function judgeLatencyShift(gate: GateConfig, window: CompareWindow): JudgedGate {
  const { pairs, canary, baseline } = mergedCohorts(window);
  if (!canary || !baseline || histogramTotal(canary) === 0 || histogramTotal(baseline) === 0) {
    return inconclusive(gate, "no latency to compare; inconclusive");
  }
  const nc = histogramTotal(canary);
  const mc = histogramQuantile(canary, 0.5) ?? 0;
  const mb = histogramQuantile(baseline, 0.5) ?? 0;
  const values = `canary median ${ms(mc)} vs baseline ${ms(mb)} (${signedChange(mc, mb)})`;
  if (nc < gate.minSamples) {
    return inconclusive(
      gate,
      `${values}; below minimum sample of ${gate.minSamples} canary requests; inconclusive`,
    );
  }
  const strata: RankShiftStratum[] = [];
  for (const p of pairs) {
    if (!sameBounds(p.canary.latency, p.baseline.latency)) continue;
    const s = rankStratum(p.canary.latency, p.baseline.latency);
    if (s) strata.push(s);
  }
  const summary = summarizeRank(strata);
  const sign = gate.badDirection === "higher" ? 1 : -1;
  const { logE, start } = combineStarts(
    rankEvidenceByStart(strata, sign, window.tuning.rankRho),
    changePointPrior(window),
  );
  // Judged from where the evidence says the shift began, so a late onset is not diluted.
  const since = start > 0 ? summarizeRank(strata.slice(start)) : summary;
  const factor = marginFactor(gate, mb);
  const atMargin = rankStratum(
    shiftHistogram(baseline, gate.badDirection === "higher" ? factor : 1 / factor),
    baseline,
  );
  const marginSuperiority = atMargin ? atMargin.u / (atMargin.canary * atMargin.baseline) : 0.5;
  // Matters when canary requests are slower than a margin-sized slowdown would make them.
  const matters = clearlyPastMargin(
    sign * (since.superiority - marginSuperiority),
    since.superioritySe,
    window,
  );
  const clear =
    gate.badDirection === "higher"
      ? summary.superiority + window.tuning.passZ * summary.superioritySe < marginSuperiority
      : summary.superiority - window.tuning.passZ * summary.superioritySe > marginSuperiority;
  return decideGate(gate, {
    logEvidence: logE,
    matters,
    clearOfMargin: clear,
    failAlpha: window.tuning.failAlpha,
    numbers: `${values}, P(canary request slower) ${summary.superiority.toFixed(3)} (0.5 if alike, ${marginSuperiority.toFixed(3)} at margin)`,
  });
}
