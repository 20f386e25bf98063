import { blockingFreezes, describeFreezes, type FreezeState, freezesAnything } from "../rollout/freeze";
import type { RolloutSnapshot } from "../rollout/rollout-types";

/** Flagger's hooks that wait for an answer (docs.flagger.app, "Webhooks"). */
export const FLAGGER_GATE_HOOKS = [
  "confirm-rollout",
  "confirm-traffic-increase",
  "confirm-promotion",
  "rollback",
] as const;
export type FlaggerGateHook = (typeof FLAGGER_GATE_HOOKS)[number];

/** The newest stored judgement of the rollout's gates. */
export interface LatestVerdict {
  stepIndex: number;
  /** rollback | promote | continue | inconclusive | pause */
  decision: string;
  reason: string;
}

export interface FlaggerGateInput {
  hook: FlaggerGateHook;
  rollout: RolloutSnapshot;
  freeze: FreezeState | null;
  latest: LatestVerdict | null;
  /** The canary weight Flagger last reported applying; null until its event hook has said. */
  controllerWeight: number | null;
}

/**
 * `yes` is HTTP 200. For the confirm hooks it lets Flagger proceed; for the rollback hook it tells
 * Flagger to roll back now. `no` (403) holds, or for the rollback hook means "do not roll back".
 */
export interface FlaggerAnswer {
  yes: boolean;
  reason: string;
}

const yes = (reason: string): FlaggerAnswer => ({ yes: true, reason });
const no = (reason: string): FlaggerAnswer => ({ yes: false, reason });

/** The gate verdict that stops the current step, if the newest one does. */
function failingVerdict(rollout: RolloutSnapshot, latest: LatestVerdict | null): LatestVerdict | null {
  if (!latest || latest.stepIndex !== rollout.currentStep) return null;
  return latest.decision === "rollback" || latest.decision === "pause" ? latest : null;
}

/** Sluice's answer to one of Flagger's gate hooks, from the rollout, the freezes and the gates. */
export function answerFlaggerHook(input: FlaggerGateInput): FlaggerAnswer {
  const { hook, rollout, freeze, latest } = input;
  if (hook === "rollback") return answerRollback(rollout, latest);
  if (rollout.state === "rolled_back" || rollout.state === "aborted") {
    return no(`Sluice ${rollout.state === "aborted" ? "aborted" : "rolled back"} this rollout`);
  }
  const blocking = blockingFreezes(freeze, rollout);
  if (freezesAnything(blocking)) {
    return no(`${rollout.serviceId} is frozen by ${describeFreezes(blocking)}`);
  }
  if (rollout.state === "draft") return no("the Sluice rollout has not started");
  if (rollout.state === "paused") return no("the Sluice rollout is paused");
  const step = rollout.steps[rollout.currentStep];
  if (rollout.phase === "awaiting_approval") {
    return no(`step ${rollout.currentStep + 1} (${step?.exposurePercent}%) awaits approval in Sluice`);
  }
  const failing = failingVerdict(rollout, latest);
  if (failing) return no(`Sluice's gates stopped step ${rollout.currentStep + 1}: ${failing.reason}`);
  if (rollout.state === "completed") return yes("the Sluice rollout is complete");
  switch (hook) {
    case "confirm-rollout":
      return yes(`the Sluice rollout is running at ${rollout.exposurePercent}%`);
    case "confirm-traffic-increase":
      return answerTrafficIncrease(rollout, input.controllerWeight);
    case "confirm-promotion":
      return rollout.exposurePercent >= 100
        ? yes("Sluice's plan has reached 100%")
        : no(`Sluice's plan is at ${rollout.exposurePercent}%; promotion waits for its 100% step`);
  }
}

/** Sluice's exposure is the ceiling: Flagger may add weight while what it applies is below it. */
function answerTrafficIncrease(rollout: RolloutSnapshot, weight: number | null): FlaggerAnswer {
  if (weight === null || weight < rollout.exposurePercent) {
    return yes(`Sluice allows up to ${rollout.exposurePercent}%`);
  }
  return no(
    `Flagger applies ${weight}%; Sluice allows ${rollout.exposurePercent}% until step ` +
      `${rollout.currentStep + 1} passes its hold and gates`,
  );
}

/** Flagger rolls back on a 200 here, so only a rollout Sluice already reverted (or whose critical gate failed) says yes. */
function answerRollback(rollout: RolloutSnapshot, latest: LatestVerdict | null): FlaggerAnswer {
  if (rollout.state === "rolled_back") return yes("Sluice rolled this rollout back");
  if (rollout.state === "aborted") return yes("Sluice aborted this rollout");
  if (latest?.stepIndex === rollout.currentStep && latest.decision === "rollback") {
    return yes(`a critical gate failed: ${latest.reason}`);
  }
  return no(`no rollback: the Sluice rollout is ${rollout.state}`);
}
