import type { FlagDefinition } from "../../domain/flags";
import { deriveExposure, type ExposureView, type Mechanism, type RingMember } from "../../domain/rollout";
import type { ServiceContext } from "../context";
import { flagDefinitionSelect, toFlagDefinition } from "../flags/flag-rows";
import { rolloutNotFound } from "./get-rollout";
import { snapshotSelect, toSnapshot } from "./rollout-snapshot";

export interface RingState {
  name: string;
  exposurePercent: number;
  members: readonly RingMember[];
  exposed: boolean;
  exposedAtLastKnownGood: boolean;
}

/**
 * A rollout as its mechanism applies it: what is live now, and what the kill switch would return to
 * (the last-known-good exposure, seen through the same mechanism).
 */
export interface MechanismView {
  mechanism: Mechanism;
  /** The tool that applies the exposure, e.g. "sluice" or "argo-rollouts v1.8". */
  appliedBy: string;
  current: ExposureView;
  lastKnownGood: ExposureView;
  /** Ring rollouts: every ring of the plan; empty for the other mechanisms. */
  rings: RingState[];
  /** Flag rollouts: the flag now, with its targeting rules; null for the other mechanisms. */
  flag: FlagDefinition | null;
  /** Flag rollouts: the flag as the kill switch would leave it. */
  flagAtLastKnownGood: FlagDefinition | null;
}

function ringCount(view: ExposureView): number {
  return view.mechanism === "ring" ? view.ringIndex + 1 : 0;
}

export async function getMechanismView(ctx: ServiceContext, rolloutId: string): Promise<MechanismView> {
  const [row, flag] = await Promise.all([
    ctx.db.rollout.findUnique({ where: { id: rolloutId }, select: { ...snapshotSelect, appliedBy: true } }),
    ctx.db.flag.findUnique({ where: { rolloutId }, select: flagDefinitionSelect }),
  ]);
  if (!row) throw rolloutNotFound(rolloutId);
  const snapshot = toSnapshot(row);
  const current = deriveExposure(snapshot);
  const lastKnownGood = deriveExposure({ ...snapshot, exposurePercent: snapshot.lastKnownGoodPercent });
  const rings = snapshot.steps.flatMap((step, index) =>
    step.ring
      ? [
          {
            name: step.ring.name,
            exposurePercent: step.exposurePercent,
            members: step.ring.members,
            exposed: index < ringCount(current),
            exposedAtLastKnownGood: index < ringCount(lastKnownGood),
          },
        ]
      : [],
  );
  return {
    mechanism: snapshot.mechanism,
    appliedBy: row.appliedBy,
    current,
    lastKnownGood,
    rings,
    flag: flag ? toFlagDefinition(flag) : null,
    flagAtLastKnownGood: flag ? toFlagDefinition(flag, snapshot.lastKnownGoodPercent) : null,
  };
}
