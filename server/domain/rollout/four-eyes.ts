import { AppError } from "../errors";
import { highRiskTags } from "./rollout-plan";
import type { Actor, RolloutSnapshot } from "./rollout-types";

/**
 * Four eyes on high-risk rollouts: a step is approved by a release manager (a person, never a token or
 * the scheduler) who neither created nor started the rollout. Throws FORBIDDEN naming why; returns
 * quietly for rollouts without a high-risk tag.
 */
export function checkFourEyes(r: RolloutSnapshot, actor: Actor): void {
  const risky = highRiskTags(r.tags);
  if (risky.length === 0) return;
  const why = `rollout ${r.id} is high-risk (${risky.join(", ")}) and needs a second release manager's approval`;
  if (actor.role !== "release_manager") {
    throw new AppError("FORBIDDEN", `approve refused: ${why}; ${actor.role} may not approve it`, "actor");
  }
  const own = [
    actor.id === r.createdBy ? "created" : null,
    actor.id === r.startedBy ? "started" : null,
  ].filter(Boolean);
  if (own.length > 0) {
    throw new AppError("FORBIDDEN", `approve refused: ${why}; you ${own.join(" and ")} it`, "actor");
  }
}
