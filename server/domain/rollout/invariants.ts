import { stepExposure } from "./last-known-good";
import type { RolloutSnapshot } from "./rollout-types";

/**
 * Every way a snapshot can be inconsistent, as readable strings (empty when sound). Used by the
 * property tests and cheap enough for the service to assert before writing.
 */
export function rolloutInvariantViolations(r: RolloutSnapshot): string[] {
  const v: string[] = [];
  const last = r.steps.length - 1;
  const cur = stepExposure(r, r.currentStep);
  const prev = stepExposure(r, r.currentStep - 1);
  if (!Number.isInteger(r.currentStep) || r.currentStep < -1 || r.currentStep > last) {
    v.push(`currentStep ${r.currentStep} outside -1..${last}`);
  }
  if (r.exposurePercent < 0 || r.exposurePercent > cur) {
    v.push(`exposure ${r.exposurePercent}% exceeds the current step's ${cur}%`);
  }
  if (r.state !== "aborted" && r.lastKnownGoodPercent > r.exposurePercent) {
    v.push(`last-known-good ${r.lastKnownGoodPercent}% above exposure ${r.exposurePercent}%`);
  }
  const phaseInvariants = () => {
    switch (r.phase) {
      case "holding":
        if (r.exposurePercent !== cur) v.push("holding: exposure is not the step's");
        if (r.lastKnownGoodPercent !== prev) v.push("holding: last-known-good is not the previous step's");
        if (r.holdUntil === null || r.stepStartedAt === null) v.push("holding: no hold deadline or start");
        break;
      case "ramping":
        if (r.exposurePercent !== cur || r.lastKnownGoodPercent !== cur) v.push("ramping: step not passed");
        if (r.currentStep >= last) v.push("ramping: past the last step");
        break;
      case "awaiting_approval":
        if (r.exposurePercent !== prev || r.lastKnownGoodPercent !== prev) {
          v.push("awaiting_approval: step exposure already live");
        }
        if (r.holdUntil !== null) v.push("awaiting_approval: hold running");
        break;
      case null:
        v.push(`${r.state}: no phase`);
        break;
    }
  };
  switch (r.state) {
    case "draft":
      if (r.currentStep !== -1 || r.exposurePercent !== 0 || r.phase !== null) v.push("draft has started");
      break;
    case "running":
      if (r.currentStep < 0) v.push("running before the first step");
      phaseInvariants();
      break;
    case "paused":
      if (r.phase === null) {
        if (r.currentStep !== -1 || r.exposurePercent !== 0) v.push("paused draft has exposure");
      } else {
        phaseInvariants();
      }
      break;
    case "completed":
      if (r.currentStep !== last || r.exposurePercent !== cur || r.lastKnownGoodPercent !== cur) {
        v.push("completed short of the last step");
      }
      if (r.phase !== null) v.push("completed with a phase");
      break;
    case "rolled_back":
      if (r.exposurePercent !== r.lastKnownGoodPercent) v.push("rolled back off last-known-good");
      if (r.phase !== null) v.push("rolled back with a phase");
      break;
    case "aborted":
      if (r.exposurePercent !== 0) v.push("aborted with exposure");
      if (r.phase !== null) v.push("aborted with a phase");
      break;
    default: {
      const unknown: never = r.state;
      v.push(`unknown state ${String(unknown)}`);
    }
  }
  return v;
}
