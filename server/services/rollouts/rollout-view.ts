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
  updatedAt: true,
  service: { select: { name: true } },
  release: { select: { version: true, environment: true } },
  simulatedRegression: { select: { errorMultiplier: true, latencyShiftMs: true, conversionDrop: true } },
} satisfies Prisma.RolloutSelect;

export type RolloutView = Prisma.RolloutGetPayload<{ select: typeof rolloutViewSelect }>;
