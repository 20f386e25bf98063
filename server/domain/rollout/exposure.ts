import type { Colour, RingSpec, RolloutSnapshot } from "./rollout-types";

/** What the mechanism adapter must apply, derived from the one exposure percentage. */
export type ExposureView =
  | {
      mechanism: "flag";
      exposurePercent: number /** for isInRollout: bucket < basisPoints */;
      basisPoints: number;
    }
  | { mechanism: "canary"; exposurePercent: number; canaryWeight: number; stableWeight: number }
  | {
      mechanism: "ring";
      exposurePercent: number;
      /** Highest ring exposed, -1 for none. Rings are cumulative: 0..ringIndex are all in. */
      ringIndex: number;
      exposedRings: RingSpec[];
    }
  | { mechanism: "blue-green"; exposurePercent: number; activeColour: Colour; idleColour: Colour };

function otherColour(c: Colour): Colour {
  return c === "blue" ? "green" : "blue";
}

/**
 * Exposure is always 0 or some step's exposure (steps are never skipped and reverts land on a
 * passed step), so the ring index is the last step at or below it.
 */
export function deriveExposure(rollout: RolloutSnapshot): ExposureView {
  const p = rollout.exposurePercent;
  switch (rollout.mechanism) {
    case "flag":
      return { mechanism: "flag", exposurePercent: p, basisPoints: Math.round(p * 100) };
    case "canary":
      return { mechanism: "canary", exposurePercent: p, canaryWeight: p, stableWeight: 100 - p };
    case "ring": {
      let ringIndex = -1;
      rollout.steps.forEach((s, i) => {
        if (s.exposurePercent <= p && p > 0) ringIndex = i;
      });
      const exposedRings = rollout.steps.slice(0, ringIndex + 1).flatMap((s) => (s.ring ? [s.ring] : []));
      return { mechanism: "ring", exposurePercent: p, ringIndex, exposedRings };
    }
    case "blue-green": {
      const candidate = rollout.candidateColour ?? "green";
      // Cutover is all-or-nothing; anything short of 100% keeps the stable colour live.
      const activeColour = p >= 100 ? candidate : otherColour(candidate);
      return {
        mechanism: "blue-green",
        exposurePercent: p,
        activeColour,
        idleColour: otherColour(activeColour),
      };
    }
    default: {
      const unknown: never = rollout.mechanism;
      return unknown;
    }
  }
}
