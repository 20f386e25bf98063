import { AppError, type AppErrorCode } from "../errors";
import { decide } from "./decide";
import type { DecideContext, RolloutCommand } from "./rollout-commands";
import type { RolloutSnapshot } from "./rollout-types";

/** The commands people issue (verdicts come from the evaluator). */
export const USER_COMMANDS = ["start", "advance", "approve", "pause", "resume", "abort", "kill"] as const;
export type UserCommand = (typeof USER_COMMANDS)[number];

/** `code` says why not, e.g. FROZEN, which a release manager may break glass through. */
export type Availability = { allowed: true } | { allowed: false; reason: string; code?: AppErrorCode };

/**
 * Which commands the state machine would accept right now, and why not for the others, by asking it:
 * the UI disables buttons with the very reason the server would give.
 */
export function commandAvailability(
  rollout: RolloutSnapshot,
  ctx: DecideContext,
): Record<UserCommand, Availability> {
  const result = {} as Record<UserCommand, Availability>;
  for (const type of USER_COMMANDS) {
    try {
      const decision = decide(rollout, { type } as RolloutCommand, ctx);
      result[type] = decision.changed
        ? { allowed: true }
        : { allowed: false, reason: unchanged(rollout, type) };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      result[type] = { allowed: false, reason: error.forPeople ?? error.message, code: error.code };
    }
  }
  return result;
}

/**
 * Why a command the state machine accepts would change nothing. The server still records a kill of an
 * ended rollout (pagers and scripts may always kill), but a button that does nothing would mislead.
 */
function unchanged(rollout: RolloutSnapshot, type: UserCommand): string {
  if (type !== "kill") return `already ${rollout.state}`;
  const state = rollout.state.replace("_", " ");
  return `already ${state} at ${rollout.exposurePercent}%: nothing to roll back (a new rollout reverts a release)`;
}
