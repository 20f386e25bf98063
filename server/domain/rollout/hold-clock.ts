import type { RolloutSnapshot } from "./rollout-types";

/**
 * The hold is a stored deadline, not a timer, so any process (e.g. after a restart) can tell how
 * much is left. Null when no hold is running (not holding, or paused).
 */
export function holdRemainingMs(rollout: RolloutSnapshot, now: number): number | null {
  if (rollout.state !== "running" || rollout.phase !== "holding" || rollout.holdUntil === null) return null;
  return Math.max(0, rollout.holdUntil - now);
}

/** True once the running hold is over: the evaluator's next pass will pass the step. */
export function isHoldOver(rollout: RolloutSnapshot, now: number): boolean {
  return holdRemainingMs(rollout, now) === 0;
}
