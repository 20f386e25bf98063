import type { GateMetric } from "./gate-config";

export type Verdict = "pass" | "fail" | "inconclusive";

export interface GateVerdict {
  gate: string;
  metric: GateMetric;
  verdict: Verdict;
  critical: boolean;
  /** One line a human can check against the numbers, ending in the verdict. */
  detail: string;
  /** The sequential evidence that the canary is worse, as an e-value (1 = none; fails at 1/failAlpha). */
  evidence: number;
}

/** A verdict as a gate returns it, with what pooling needs: whether the observed change is past its margins. */
export interface JudgedGate extends GateVerdict {
  pastMargin: boolean;
}
