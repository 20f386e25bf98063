import type { Regression } from "../../metrics/simulated-traffic";
import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { getRollout } from "./get-rollout";

/** Turns the simulator's canary regression on or off for one rollout (demos and drills). Audited. */
export async function setSimulatedRegression(
  ctx: ServiceContext,
  actor: CommandActor,
  input: Regression & { id: string },
): Promise<Regression> {
  await getRollout(ctx, input.id);
  const { id, ...regression } = input;
  await ctx.db.$transaction(async (tx) => {
    const before = await tx.simulatedRegression.findUnique({ where: { rolloutId: id } });
    await tx.simulatedRegression.upsert({
      where: { rolloutId: id },
      create: { rolloutId: id, ...regression },
      update: regression,
    });
    await recordAuditEvent(tx, {
      actor,
      action: "simulator.regression-set",
      targetType: "rollout",
      targetId: id,
      before: before ? { ...before } : undefined,
      after: { ...regression },
      at: ctx.now(),
    });
  });
  return regression;
}
