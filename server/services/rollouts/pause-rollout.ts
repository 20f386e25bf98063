import type { Actor } from "../../auth/permissions";
import { AppError } from "../../domain/errors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { getRollout } from "./get-rollout";
import type { RolloutView } from "./rollout-view";

const PAUSABLE = new Set(["draft", "running"]);

/** Pauses a rollout: exposure stays where it is, timers stop, nothing advances until resumed. */
export async function pauseRollout(
  ctx: ServiceContext,
  actor: Actor,
  input: { id: string; reason?: string },
): Promise<RolloutView> {
  const current = await getRollout(ctx, input.id);
  if (!PAUSABLE.has(current.state)) {
    throw new AppError("ILLEGAL_TRANSITION", `Cannot pause a rollout that is ${current.state}`, "id");
  }
  const now = ctx.now();
  const updated = await ctx.db.$transaction(async (tx) => {
    const { count } = await tx.rollout.updateMany({
      where: { id: current.id, version: current.version },
      data: { state: "paused", phase: null, version: { increment: 1 } },
    });
    if (count === 0)
      throw new AppError("CONFLICT", "The rollout changed meanwhile; reload and try again", "id");
    await recordAuditEvent(tx, {
      actor,
      action: "rollout.pause",
      targetType: "rollout",
      targetId: current.id,
      reason: input.reason ?? null,
      before: { state: current.state, phase: current.phase, exposurePercent: current.exposurePercent },
      after: { state: "paused", phase: null, exposurePercent: current.exposurePercent },
      at: now,
    });
    return getRollout({ ...ctx, db: tx as unknown as ServiceContext["db"] }, current.id);
  });
  ctx.events.publish("rollout.changed", {
    rolloutId: updated.id,
    version: updated.version,
    state: updated.state,
    exposurePercent: updated.exposurePercent,
  });
  return updated;
}
