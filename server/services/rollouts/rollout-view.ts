import type { Prisma } from "../../db/client";

/** The fields every rollout screen shows, selected once so list and detail agree. */
export const rolloutViewSelect = {
  id: true,
  mechanism: true,
  state: true,
  phase: true,
  currentStep: true,
  steps: true,
  exposurePercent: true,
  lastKnownGoodPercent: true,
  stepStartedAt: true,
  holdUntil: true,
  version: true,
  createdAt: true,
  updatedAt: true,
  endedAt: true,
  service: { select: { name: true } },
  release: { select: { version: true, environment: true } },
  simulatedRegression: { select: { errorMultiplier: true, latencyShiftMs: true, conversionDrop: true } },
  tags: true,
  appliedBy: true,
  /** A Kubernetes controller (Flagger) applies the exposure; the weight it last reported. */
  controller: true,
  controllerWeight: true,
  holdExtended: true,
  /** Four eyes: who created and started it (actor ids), so the UI can say why approval is refused. */
  createdBy: true,
  startedBy: true,
  /** The newest judgement of the current step's gates. */
  evaluations: {
    select: { stepIndex: true, intervalEnd: true, decision: true, reason: true, gates: true },
    orderBy: { id: "desc" },
    take: 1,
  },
} satisfies Prisma.RolloutSelect;

export type RolloutView = Prisma.RolloutGetPayload<{ select: typeof rolloutViewSelect }>;
