import { AppError } from "../../domain/errors";
import { isHoldOver, type RolloutCommand, type RolloutSnapshot } from "../../domain/rollout";
import { systemActor } from "../actors";
import type { ServiceContext } from "../context";
import { snapshotSelect, toSnapshot } from "./rollout-snapshot";
import { runRolloutCommand } from "./run-rollout-command";

/** What the analysis concluded about a holding step, in the engine's terms. */
export type StepVerdict =
  | { kind: "rollback"; failedGates: string[]; reason: string }
  | { kind: "degraded"; failedGates: string[]; reason: string }
  | { kind: "pause"; reason: string }
  | { kind: "promote" }
  | { kind: "inconclusive"; reason: string }
  | { kind: "continue" };

/** Judges a holding step from its metrics (the analysis); the engine acts on the verdict. */
export type StepJudge = (ctx: ServiceContext, rollout: RolloutSnapshot) => Promise<StepVerdict>;

const scheduler = systemActor("scheduler");
const evaluator = systemActor("evaluator");

/**
 * One beat of the engine (for every running rollout, or `only` those just sent new metrics): each moves
 * on when its time comes. A passed step ramps to
 * the next (or waits for approval), a holding step is judged, and the verdict becomes a command. Frozen
 * and raced commands are left for the next beat; nothing here bypasses the state machine.
 */
export async function progressRollouts(
  ctx: ServiceContext,
  judge: StepJudge,
  only?: readonly string[],
): Promise<void> {
  const rows = await ctx.db.rollout.findMany({
    where: {
      state: "running",
      phase: { in: ["ramping", "holding"] },
      ...(only ? { id: { in: [...only] } } : {}),
    },
    select: snapshotSelect,
  });
  const failures: unknown[] = [];
  for (const rollout of rows.map(toSnapshot)) {
    try {
      if (rollout.phase === "ramping") {
        await runRolloutCommand(
          ctx,
          scheduler,
          rollout.id,
          { type: "advance" },
          { expectedVersion: rollout.version },
        );
        continue;
      }
      const command = commandFor(rollout, await judge(ctx, rollout), ctx.now().getTime());
      if (command)
        await runRolloutCommand(ctx, evaluator, rollout.id, command, { expectedVersion: rollout.version });
    } catch (error) {
      // A freeze holds the ramp; a concurrent human command wins the race. Both are retried next beat.
      if (error instanceof AppError && (error.code === "FROZEN" || error.code === "CONFLICT")) continue;
      // One broken rollout must not stall the others.
      failures.push(error);
    }
  }
  if (failures.length > 0)
    throw new AggregateError(failures, `${failures.length} rollout(s) could not progress`);
}

function commandFor(rollout: RolloutSnapshot, verdict: StepVerdict, now: number): RolloutCommand | null {
  const stepIndex = rollout.currentStep;
  const holdOver = isHoldOver(rollout, now);
  switch (verdict.kind) {
    case "rollback":
      return {
        type: "gates-failed",
        stepIndex,
        critical: true,
        failedGates: verdict.failedGates,
        reason: verdict.reason,
      };
    case "degraded":
      return {
        type: "gates-failed",
        stepIndex,
        critical: false,
        failedGates: verdict.failedGates,
        reason: verdict.reason,
      };
    case "pause":
      return { type: "pause", reason: verdict.reason };
    case "promote":
      return holdOver ? { type: "gates-passed", stepIndex } : null;
    case "inconclusive":
      return holdOver ? { type: "gates-inconclusive", stepIndex, reason: verdict.reason } : null;
    case "continue":
      // The analysis has not reached the hold's end yet: the last interval's samples are still on
      // their way (the beat can come first). Wait for them; silence past the outage limit is judged
      // by the analysis itself, at wall time, so a step cannot wait here for ever.
      return null;
  }
}
