import {
  answerFlaggerHook,
  type FlaggerAnswer,
  type FlaggerGateHook,
} from "../../domain/controllers/flagger-gate";
import { AppError } from "../../domain/errors";
import type { CommandActor } from "../../services/actors";
import type { ServiceContext } from "../../services/context";
import { loadFreezeState } from "../../services/freezes/load-freeze-state";
import { snapshotSelect, toSnapshot } from "../../services/rollouts/rollout-snapshot";
import { runRolloutCommand } from "../../services/rollouts/run-rollout-command";
import { type CanaryRevision, findCanaryRollout, findOrCreateCanaryRollout } from "./canary-rollout";
import type { CanaryMetadata } from "./flagger-schemas";

export interface FlaggerHookAnswer extends FlaggerAnswer {
  hook: FlaggerGateHook;
  rolloutId: string | null;
  state: string | null;
  exposurePercent: number | null;
}

/**
 * Answers one of Flagger's gate hooks. A confirm hook about a new canary revision creates its rollout and
 * starts it (a freeze refuses the start, and the answer then says why); the rollback hook only reads.
 * Answers change nothing else and are not audited: Flagger asks again on every analysis interval.
 */
export async function answerFlaggerGateHook(
  ctx: ServiceContext,
  actor: CommandActor,
  hook: FlaggerGateHook,
  canary: Required<CanaryRevision>,
  metadata: CanaryMetadata,
): Promise<FlaggerHookAnswer> {
  const found =
    hook === "rollback"
      ? await findCanaryRollout(ctx, canary)
      : await findOrCreateCanaryRollout(ctx, actor, canary, metadata);
  if (!found) {
    return {
      hook,
      rolloutId: null,
      state: null,
      exposurePercent: null,
      yes: false,
      reason: "no rollback: Sluice has no rollout of this canary revision",
    };
  }
  if (hook !== "rollback") await startIfDraft(ctx, actor, found.id);
  const [row, latest, freeze] = await Promise.all([
    ctx.db.rollout.findUniqueOrThrow({
      where: { id: found.id },
      select: { ...snapshotSelect, controllerWeight: true },
    }),
    ctx.db.stepEvaluation.findFirst({
      where: { rolloutId: found.id },
      orderBy: { id: "desc" },
      select: { stepIndex: true, decision: true, reason: true },
    }),
    loadFreezeState(ctx.db),
  ]);
  const rollout = toSnapshot(row);
  const answer = answerFlaggerHook({
    hook,
    rollout,
    freeze,
    latest,
    controllerWeight: row.controllerWeight,
  });
  return {
    hook,
    rolloutId: rollout.id,
    state: rollout.state,
    exposurePercent: rollout.exposurePercent,
    ...answer,
  };
}

/** Flagger asking to proceed is the start of the rollout; a refusal (a freeze) leaves it a draft. */
async function startIfDraft(ctx: ServiceContext, actor: CommandActor, rolloutId: string) {
  const { state } = await ctx.db.rollout.findUniqueOrThrow({
    where: { id: rolloutId },
    select: { state: true },
  });
  if (state !== "draft") return;
  try {
    await runRolloutCommand(ctx, actor, rolloutId, { type: "start" }, { idempotencyKey: "flagger-start" });
  } catch (error) {
    // The answer reports the freeze; a concurrent start by another call is just as good.
    if (!(error instanceof AppError && ["FROZEN", "CONFLICT", "ILLEGAL_TRANSITION"].includes(error.code)))
      throw error;
  }
}
