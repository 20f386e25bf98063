import type { GateVerdict, Verdict } from "../analysis/gate-verdict";
import type { RolloutState } from "../rollout/rollout-types";

/** What an external analysis (Argo Rollouts' Web metric) reads: one verdict, never `pass` without evidence. */
export interface AnalysisVerdict {
  verdict: Verdict;
  /** Share of gates passing in the judgement used, 0..1; null without one. */
  score: number | null;
  reason: string;
}

export interface JudgedStep {
  stepIndex: number;
  /** rollback | promote | continue | inconclusive | pause */
  decision: string;
  reason: string;
  gates: readonly GateVerdict[];
}

/**
 * The verdict on a rollout from its newest stored judgement. A reverted rollout has failed; a running
 * one is judged only on its current step's judgement (an earlier step's pass says nothing of the
 * exposure now live); missing or undecided evidence is inconclusive, and so is a paused one's pass.
 */
export function analysisVerdict(
  rollout: { state: RolloutState; currentStep: number },
  latest: JudgedStep | null,
): AnalysisVerdict {
  const score = latest && latest.gates.length > 0 ? passShare(latest.gates) : null;
  if (rollout.state === "rolled_back" || rollout.state === "aborted") {
    return { verdict: "fail", score, reason: `the rollout was ${rollout.state.replace("_", " ")}` };
  }
  if (!latest) return { verdict: "inconclusive", score: null, reason: "no gate judgement stored yet" };
  if (rollout.state !== "completed" && latest.stepIndex !== rollout.currentStep) {
    return {
      verdict: "inconclusive",
      score: null,
      reason: `step ${rollout.currentStep + 1} has not been judged yet`,
    };
  }
  switch (latest.decision) {
    case "promote":
      // Paused before the engine passed the step (a human stepped in): the human decides, not this.
      if (rollout.state === "paused") {
        return { verdict: "inconclusive", score, reason: `paused: ${latest.reason}; a human decides` };
      }
      return { verdict: "pass", score, reason: latest.reason };
    case "rollback":
      return { verdict: "fail", score, reason: latest.reason };
    default:
      return { verdict: "inconclusive", score, reason: latest.reason };
  }
}

function passShare(gates: readonly GateVerdict[]): number {
  return gates.filter((g) => g.verdict === "pass").length / gates.length;
}
