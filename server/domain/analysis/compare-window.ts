import type { AnalysisSample, IntervalPair } from "./analysis-sample";
import type { AnalysisTuning } from "./analysis-tuning";
import type { ChangePointPrior } from "./change-point-evidence";

/** An interval with both cohorts reported: the unit every comparison is made on. */
export interface CompletePair {
  intervalEnd: number;
  baseline: AnalysisSample;
  canary: AnalysisSample;
}

/** What every gate judges: the step's intervals so far, and which of them count. */
export interface CompareWindow {
  pairs: readonly IntervalPair[];
  /** Intervals ending at or before this are the canary's warm-up (cold caches, JIT): shown, not judged. */
  warmupSeconds: number;
  tuning: AnalysisTuning;
  /** Intervals in the hold: how many places a regression may start (change-point-evidence). */
  horizon: number;
}

export function completePairs(window: CompareWindow): CompletePair[] {
  const out: CompletePair[] = [];
  for (const p of window.pairs) {
    if (p.baseline && p.canary && p.intervalEnd > window.warmupSeconds) {
      out.push({ intervalEnd: p.intervalEnd, baseline: p.baseline, canary: p.canary });
    }
  }
  return out;
}

/** Where a regression may start, for this window's gates. */
export function changePointPrior(window: CompareWindow): ChangePointPrior {
  return { firstShare: window.tuning.changePointFirstShare, horizon: Math.max(1, window.horizon) };
}

/**
 * Whether a change is past its gate's margin by enough to matter: `excess` is how far the observed change
 * lies beyond the margin (same unit as `standardError`). A point estimate just past the line is noise as
 * often as not, so the excess must reach `mattersZ` standard errors.
 */
export function clearlyPastMargin(excess: number, standardError: number, window: CompareWindow): boolean {
  return excess > 0 && excess >= window.tuning.mattersZ * standardError;
}
