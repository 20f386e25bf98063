/** The parts of /api/v1's JSON the CLI reads (see server/api/api-views.ts for the whole contract). */

export type RolloutState = "draft" | "running" | "paused" | "completed" | "rolled_back" | "aborted";

export interface RolloutJson {
  id: string;
  service: string;
  environment: string;
  release: string;
  mechanism: string;
  state: RolloutState;
  phase: "ramping" | "holding" | "awaiting_approval" | null;
  currentStep: number;
  steps: unknown[];
  exposurePercent: number;
  lastKnownGoodPercent: number;
  holdUntil: string | null;
  version: number;
  updatedAt: string;
}

export interface OutcomeJson {
  rollout: Omit<RolloutJson, "environment" | "release" | "mechanism" | "steps" | "updatedAt">;
  changed: boolean;
  repeated: boolean;
  events: { type: string; at: string | null }[];
}

export interface IncidentJson {
  id: string;
  externalId: string | null;
  title: string;
  severity: string;
  services: string[];
  active: boolean;
  declaredAt: string;
  declaredBy: string;
}

export interface FreezesJson {
  incidents: IncidentJson[];
  exhaustedBudgets: { service: string; environment: string; slo: string; since: string }[];
}
