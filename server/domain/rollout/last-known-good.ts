import type { RolloutSnapshot } from "./rollout-types";

/** Exposure of step `index`; 0 before the first step. */
export function stepExposure(rollout: RolloutSnapshot, index: number): number {
  return index < 0 ? 0 : (rollout.steps[index]?.exposurePercent ?? 0);
}

/**
 * Where a critical gate failure lands. The current exposure is now known bad, so if it had been the
 * last-known-good (a passed step, now failing) fall back to the highest plan exposure below it.
 */
export function gateFailureTarget(rollout: RolloutSnapshot): number {
  if (rollout.exposurePercent > rollout.lastKnownGoodPercent) return rollout.lastKnownGoodPercent;
  const below = rollout.steps.map((s) => s.exposurePercent).filter((p) => p < rollout.exposurePercent);
  return below.length > 0 ? Math.max(...below) : 0;
}

/** The kill path: exposure reverts to `target`, which becomes the last-known-good. */
export function revertTo(rollout: RolloutSnapshot, target: number): RolloutSnapshot {
  return {
    ...rollout,
    state: "rolled_back",
    phase: null,
    exposurePercent: target,
    lastKnownGoodPercent: target,
    stepStartedAt: target === rollout.exposurePercent ? rollout.stepStartedAt : null,
    holdUntil: null,
  };
}
