import type { AnalysisSample, IntervalPair } from "./analysis-sample";
import type { AnalysisTuning } from "./analysis-tuning";

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
