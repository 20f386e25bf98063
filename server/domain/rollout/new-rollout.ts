import { highRiskTags, isHighRisk, validatePlan } from "./rollout-plan";
import type { Colour, Mechanism, PlanStep, RolloutSnapshot } from "./rollout-types";

export interface NewRolloutInput {
  id: string;
  serviceId: string;
  environment: string;
  mechanism: Mechanism;
  steps: readonly PlanStep[];
  tags?: readonly string[];
  candidateColour?: Colour;
}

/** A validated draft: nothing exposed, no step started, version 0. */
export function newRolloutDraft(input: NewRolloutInput): RolloutSnapshot {
  const tags = input.tags ?? [];
  validatePlan(input.steps, {
    highRisk: isHighRisk(tags),
    mechanism: input.mechanism,
    riskTags: highRiskTags(tags),
  });
  return {
    id: input.id,
    serviceId: input.serviceId,
    environment: input.environment,
    mechanism: input.mechanism,
    steps: input.steps,
    tags,
    ...(input.mechanism === "blue-green" ? { candidateColour: input.candidateColour ?? "green" } : {}),
    state: "draft",
    phase: null,
    currentStep: -1,
    exposurePercent: 0,
    lastKnownGoodPercent: 0,
    stepStartedAt: null,
    holdUntil: null,
    holdExtended: false,
    version: 0,
  };
}
