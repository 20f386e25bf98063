import { AppError } from "../errors";
import type { RolloutSnapshot } from "./rollout-types";

/** "running/holding", as API messages name a state; other states alone. */
export function stateLabel(r: Pick<RolloutSnapshot, "state" | "phase">): string {
  return r.phase && r.state === "running" ? `${r.state}/${r.phase}` : r.state;
}

/** "running · holding", as the screens name a state (a paused rollout keeps the phase it resumes into). */
export function formatState(state: string, phase: string | null): string {
  const label = state.replace("_", " ");
  return phase && state === "running" ? `${label} · ${phase.replace("_", " ")}` : label;
}

/**
 * A command the state machine refuses in the rollout's state. The message names the rollout for API
 * clients and logs; a disabled button says the reason, or the state alone.
 */
export function illegalTransition(r: RolloutSnapshot, command: string, why?: string): AppError {
  return new AppError(
    "ILLEGAL_TRANSITION",
    `${command} is not allowed while rollout ${r.id} is ${stateLabel(r)}${why ? `: ${why}` : ""}`,
    "state",
    why ?? `not while ${formatState(r.state, r.phase)}`,
  );
}
