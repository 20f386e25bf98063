// Shared builders for the rollout tests. Not used by production code.
import type { GateConfig } from "../analysis/gate-config";
import type { FreezeState } from "./freeze";
import { newRolloutDraft } from "./new-rollout";
import type { DecideContext } from "./rollout-commands";
import { defaultCanaryPlan } from "./rollout-plan";
import type { Actor, PlanStep, RolloutSnapshot } from "./rollout-types";

export const errorRateGate: GateConfig = {
  name: "error-rate",
  metric: "error-rate",
  badDirection: "higher",
  minRelativeChange: 0.2,
  minAbsoluteChange: 0.001,
  minSamples: 500,
  critical: true,
};

export const T0 = 1_700_000_000_000;
export const operator: Actor = { id: "user:olga", role: "operator" };
export const releaseManager: Actor = { id: "user:rita", role: "release_manager" };
export const evaluator: Actor = { id: "system:evaluator", role: "system" };

export function ctx(now: number, actor: Actor = operator, freeze: FreezeState | null = null): DecideContext {
  return { now, actor, freeze };
}

/** 1 → 5 → 25 → 50 → 100, 60 s holds, approval before 100%. */
export function canaryDraft(overrides: Partial<RolloutSnapshot> = {}): RolloutSnapshot {
  const steps: PlanStep[] = defaultCanaryPlan({
    gates: [errorRateGate],
    holdSeconds: 60,
    approveFullExposure: true,
  });
  return {
    ...newRolloutDraft({
      id: "r1",
      serviceId: "checkout",
      environment: "production",
      mechanism: "canary",
      steps,
    }),
    ...overrides,
  };
}

export const incidentFreeze: FreezeState = {
  incidents: [{ id: "INC-7", severity: "sev1", services: ["checkout"] }],
  exhaustedBudgets: [],
};
