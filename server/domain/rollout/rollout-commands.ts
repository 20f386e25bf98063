import type { FreezeOverride, FreezeState } from "./freeze";
import type { Actor, RolloutSnapshot, RunningPhase } from "./rollout-types";

/** What people (and the evaluator) can ask of a rollout. */
export type RolloutCommand =
  | { type: "start"; override?: FreezeOverride }
  | { type: "advance"; override?: FreezeOverride }
  | { type: "approve"; override?: FreezeOverride }
  | { type: "resume"; override?: FreezeOverride }
  | { type: "pause"; reason?: string }
  | { type: "abort"; reason?: string }
  | { type: "kill"; reason?: string }
  /** The evaluator judged step `stepIndex` healthy. */
  | { type: "gates-passed"; stepIndex: number }
  /** The evaluator lacked evidence either way when the hold ended: extend the hold once, then pause. */
  | { type: "gates-inconclusive"; stepIndex: number; reason: string }
  /** The evaluator judged step `stepIndex` unhealthy; critical failures roll back at once. */
  | {
      type: "gates-failed";
      stepIndex: number;
      critical: boolean;
      failedGates: readonly string[];
      reason: string;
    };

export type RolloutCommandType = RolloutCommand["type"];

export interface DecideContext {
  /** Epoch milliseconds, from the caller's clock. */
  now: number;
  freeze: FreezeState | null;
  actor: Actor;
}

interface EventBase {
  rolloutId: string;
  at: number;
  actor: string;
}

/** Everything that happened, for the audit log and live updates. */
export type RolloutEvent = EventBase &
  (
    | { type: "rollout.started" }
    | { type: "rollout.step-entered"; stepIndex: number; exposurePercent: number; holdUntil: number }
    | { type: "rollout.approval-requested"; stepIndex: number; exposurePercent: number }
    | { type: "rollout.approved"; stepIndex: number }
    | { type: "rollout.step-passed"; stepIndex: number; lastKnownGoodPercent: number }
    | { type: "rollout.completed"; exposurePercent: number }
    | { type: "rollout.paused"; reason: string | null; resumeInto: RunningPhase | "draft" }
    | { type: "rollout.hold-extended"; stepIndex: number; holdUntil: number; reason: string }
    | { type: "rollout.resumed"; phase: RunningPhase | "draft"; holdUntil: number | null }
    | { type: "rollout.aborted"; reason: string | null }
    | {
        type: "rollout.rolled-back";
        trigger: "kill" | "gates-failed";
        reason: string;
        failedGates: readonly string[];
        fromPercent: number;
        toPercent: number;
      }
    | { type: "rollout.kill-ignored"; reason: string }
    | { type: "rollout.exposure-changed"; fromPercent: number; toPercent: number }
    | {
        type: "rollout.freeze-overridden";
        command: RolloutCommandType;
        incidents: readonly string[];
        exhaustedBudgets: readonly string[];
        reason: string;
      }
    | {
        type: "rollout.verdict-ignored";
        verdict: "gates-passed" | "gates-failed" | "gates-inconclusive";
        stepIndex: number;
        why: string;
      }
  );

export interface Decision {
  next: RolloutSnapshot;
  events: RolloutEvent[];
  /** False when nothing needs writing (a no-op such as a repeated kill or an ignored verdict). */
  changed: boolean;
}
