import { evidenceText } from "./describe-numbers";
import type { GateConfig, GateMetric } from "./gate-config";

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

/** A gate with nothing to judge yet (no data, too few samples): no evidence either way. */
export function inconclusive(
  gate: Pick<GateConfig, "name" | "metric" | "critical">,
  detail: string,
): JudgedGate {
  return {
    gate: gate.name,
    metric: gate.metric,
    critical: gate.critical,
    verdict: "inconclusive",
    evidence: 1,
    pastMargin: false,
    detail,
  };
}

/**
 * Every gate decides the same way: fail when its evidence reaches 1/failAlpha and the change matters (past
 * the margins), pass when clear of the margin, else inconclusive. The detail is `numbers`, then the
 * evidence, then the verdict.
 */
export function decideGate(
  gate: Pick<GateConfig, "name" | "metric" | "critical">,
  judged: {
    logEvidence: number;
    matters: boolean;
    clearOfMargin: boolean;
    failAlpha: number;
    numbers: string;
  },
): JudgedGate {
  const { logEvidence, matters, clearOfMargin, failAlpha, numbers } = judged;
  let verdict: Verdict = "inconclusive";
  if (matters && logEvidence >= Math.log(1 / failAlpha)) verdict = "fail";
  else if (clearOfMargin) verdict = "pass";
  return {
    gate: gate.name,
    metric: gate.metric,
    critical: gate.critical,
    verdict,
    evidence: Math.exp(Math.min(logEvidence, 700)),
    pastMargin: matters,
    detail: `${numbers}, ${evidenceText(logEvidence, failAlpha)}; ${verdict}`,
  };
}
