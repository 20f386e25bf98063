import { weightFromFlaggerEvent } from "../../domain/controllers/flagger-event";
import type { CommandActor } from "../../services/actors";
import { recordAuditEvent } from "../../services/audit/record-audit-event";
import type { ServiceContext } from "../../services/context";
import { canaryRef, findCanaryRollout } from "./canary-rollout";
import type { FlaggerEventBody } from "./flagger-schemas";

/**
 * Records one of Flagger's events in the audit history: on its canary revision's rollout (so it shows in
 * the rollout's history), or on the canary itself before Sluice knows a rollout of it. A weight the
 * event reports becomes the rollout's applied weight, which the dashboard shows beside Sluice's exposure.
 */
export async function recordFlaggerEvent(ctx: ServiceContext, actor: CommandActor, event: FlaggerEventBody) {
  const now = ctx.now();
  const rollout = await findCanaryRollout(ctx, event);
  const weight = weightFromFlaggerEvent(event.phase, event.metadata.eventMessage);
  const recorded = await ctx.db.$transaction(async (tx) => {
    // Not the rollout's version: the weight is Flagger's report, not a change of Sluice's plan.
    const row = rollout
      ? await tx.rollout.update({
          where: { id: rollout.id },
          data: weight === null ? {} : { controllerWeight: weight },
          select: { id: true, version: true, state: true, exposurePercent: true },
        })
      : null;
    await recordAuditEvent(tx, {
      actor,
      action: "flagger.event",
      targetType: row ? "rollout" : "controller",
      targetId: row ? row.id : `flagger:${canaryRef(event)}`,
      reason: event.metadata.eventMessage || null,
      after: {
        canary: canaryRef(event),
        phase: event.phase,
        eventType: event.metadata.eventType,
        ...(event.metadata.timestamp ? { flaggerTimestamp: Number(event.metadata.timestamp) } : {}),
        ...(weight === null ? {} : { canaryWeight: weight }),
      },
      at: now,
    });
    return row;
  });
  if (recorded && weight !== null) {
    ctx.events.publish("rollout.changed", {
      rolloutId: recorded.id,
      version: recorded.version,
      state: recorded.state,
      exposurePercent: recorded.exposurePercent,
    });
  }
  return { rolloutId: recorded?.id ?? null, canaryWeight: weight };
}
