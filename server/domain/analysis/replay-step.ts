import type { AnalysisSample } from "./analysis-sample";
import type { AnalysisTuning } from "./analysis-tuning";
import { evaluateStep, type StepEvaluation } from "./evaluate-step";
import type { GateConfig } from "./gate-config";
import type { Verdict } from "./gate-verdict";

export interface ReplayInput {
  gates: readonly GateConfig[];
  samples: readonly AnalysisSample[];
  expectedCanaryShare: number;
  intervalSeconds: number;
  holdSeconds: number;
  warmupSeconds?: number;
  tuning?: Partial<AnalysisTuning>;
}

export interface ReplayResult {
  decision: "rollback" | "promote" | "inconclusive";
  decidedAtSeconds: number;
  failedGates: string[];
  reason: string;
  timeline: {
    t: number;
    decision: StepEvaluation["decision"];
    gates: { gate: string; verdict: Verdict; detail: string }[];
  }[];
}

/**
 * Replays a recorded step through evaluateStep, interval by interval, exactly as the live server would
 * call it, and stops at the first terminal decision. The end of the samples is the end of the hold.
 * A pause (sample-ratio mismatch) ends the replay as inconclusive: a human takes over.
 */
export function replayStep(input: ReplayInput): ReplayResult {
  const ends = [...new Set(input.samples.map((s) => s.intervalEnd))].sort((a, b) => a - b);
  const timeline: ReplayResult["timeline"] = [];
  const lastEnd = ends[ends.length - 1] ?? 0;
  for (const t of ends) {
    const isLast = t === lastEnd;
    const evaluation = evaluateStep({
      ...input,
      elapsedSeconds: t,
      recordingEnded: isLast,
    });
    timeline.push({
      t,
      decision: evaluation.decision,
      gates: evaluation.gates.map((g) => ({ gate: g.gate, verdict: g.verdict, detail: g.detail })),
    });
    const d = evaluation.decision;
    if (d === "rollback" || d === "promote" || d === "inconclusive" || d === "pause") {
      return {
        decision: d === "pause" ? "inconclusive" : d,
        decidedAtSeconds: t,
        failedGates: evaluation.failedGates.filter(() => d === "rollback"),
        reason: evaluation.reason,
        timeline,
      };
    }
  }
  return {
    decision: "inconclusive",
    decidedAtSeconds: lastEnd,
    failedGates: [],
    reason: "no samples",
    timeline,
  };
}
