import { AppError } from "../errors";
import type { RolloutSnapshot } from "./rollout-types";

/** Expand (add columns/tables), migrate (backfill, dual-write), contract (drop the old). */
export type SchemaPhase = "expand" | "migrate" | "contract";

export interface SchemaChange {
  phase: SchemaPhase;
  /** How long the rollout must sit at 100% before the irreversible contract. */
  bakeSeconds: number;
  phaseEnteredAt: number;
}

export function needsSchemaChange(tags: readonly string[]): boolean {
  return tags.includes("schema-affecting");
}

/** When the contract phase becomes allowed, or null while the rollout is not completed at 100%. */
export function contractAllowedAt(rollout: RolloutSnapshot, bakeSeconds: number): number | null {
  if (rollout.state !== "completed" || rollout.exposurePercent !== 100 || rollout.stepStartedAt === null)
    return null;
  return rollout.stepStartedAt + bakeSeconds * 1000;
}

/** Moves expand → migrate → contract; contract only once the rollout is at 100% and baked. */
export function advanceSchemaPhase(
  change: SchemaChange,
  rollout: RolloutSnapshot,
  now: number,
): SchemaChange {
  switch (change.phase) {
    case "expand":
      return { ...change, phase: "migrate", phaseEnteredAt: now };
    case "migrate": {
      const allowedAt = contractAllowedAt(rollout, change.bakeSeconds);
      if (allowedAt === null) {
        throw new AppError(
          "ILLEGAL_TRANSITION",
          `schemaChange.phase: contract is refused until rollout ${rollout.id} has completed at 100% (it is ${rollout.state} at ${rollout.exposurePercent}%)`,
          "schemaChange.phase",
        );
      }
      if (now < allowedAt) {
        throw new AppError(
          "ILLEGAL_TRANSITION",
          `schemaChange.phase: contract is refused until rollout ${rollout.id} has been stable at 100% for ${change.bakeSeconds}s (${Math.ceil((allowedAt - now) / 1000)}s left)`,
          "schemaChange.phase",
        );
      }
      return { ...change, phase: "contract", phaseEnteredAt: now };
    }
    case "contract":
      throw new AppError(
        "ILLEGAL_TRANSITION",
        "schemaChange.phase: contract is the last phase",
        "schemaChange.phase",
      );
    default: {
      const unknown: never = change.phase;
      return unknown;
    }
  }
}
