import type { Prisma } from "../../db/client";
import { asJson } from "../../db/json";
import type {
  Colour,
  Mechanism,
  PlanStep,
  RolloutSnapshot,
  RolloutState,
  RunningPhase,
} from "../../domain/rollout";

/** The columns the state machine reads, selected once for every command. */
export const snapshotSelect = {
  id: true,
  mechanism: true,
  steps: true,
  tags: true,
  candidateColour: true,
  state: true,
  phase: true,
  currentStep: true,
  exposurePercent: true,
  lastKnownGoodPercent: true,
  stepStartedAt: true,
  holdUntil: true,
  holdExtended: true,
  version: true,
  createdBy: true,
  startedBy: true,
  service: { select: { name: true } },
  release: { select: { environment: true } },
} satisfies Prisma.RolloutSelect;

type SnapshotRow = Prisma.RolloutGetPayload<{ select: typeof snapshotSelect }>;

/** Freezes and incident tools name services by name, so the snapshot's service id is the name. */
export function toSnapshot(row: SnapshotRow): RolloutSnapshot {
  return {
    id: row.id,
    serviceId: row.service.name,
    environment: row.release.environment,
    mechanism: row.mechanism as Mechanism,
    steps: row.steps as unknown as PlanStep[],
    tags: row.tags,
    ...(row.candidateColour ? { candidateColour: row.candidateColour as Colour } : {}),
    state: row.state as RolloutState,
    phase: row.phase as RunningPhase | null,
    currentStep: row.currentStep,
    exposurePercent: row.exposurePercent,
    lastKnownGoodPercent: row.lastKnownGoodPercent,
    stepStartedAt: row.stepStartedAt?.getTime() ?? null,
    holdUntil: row.holdUntil?.getTime() ?? null,
    holdExtended: row.holdExtended,
    version: row.version,
    createdBy: row.createdBy,
    startedBy: row.startedBy,
  };
}

/** The columns a decision changes (never the version: the caller's compare-and-set bumps it). */
export function snapshotColumns(s: RolloutSnapshot) {
  return {
    steps: asJson(s.steps),
    state: s.state,
    phase: s.phase,
    currentStep: s.currentStep,
    exposurePercent: s.exposurePercent,
    lastKnownGoodPercent: s.lastKnownGoodPercent,
    stepStartedAt: s.stepStartedAt === null ? null : new Date(s.stepStartedAt),
    holdUntil: s.holdUntil === null ? null : new Date(s.holdUntil),
    holdExtended: s.holdExtended,
    ...(s.startedBy ? { startedBy: s.startedBy } : {}),
  } satisfies Prisma.RolloutUpdateManyMutationInput;
}

/** What an audit event shows of a rollout before and after a change. */
export function auditSummary(s: RolloutSnapshot) {
  return {
    state: s.state,
    phase: s.phase,
    currentStep: s.currentStep,
    exposurePercent: s.exposurePercent,
    lastKnownGoodPercent: s.lastKnownGoodPercent,
  };
}
