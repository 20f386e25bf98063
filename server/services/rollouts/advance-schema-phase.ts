import { asJson } from "../../db/json";
import { AppError } from "../../domain/errors";
import {
  conflictError,
  advanceSchemaPhase as nextSchemaPhase,
  type SchemaChange,
} from "../../domain/rollout";
import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { rolloutNotFound } from "./get-rollout";
import { snapshotSelect, toSnapshot } from "./rollout-snapshot";

/**
 * Moves a schema-affecting rollout's change expand → migrate → contract. The contract (dropping what old
 * code still reads) is refused until the rollout has completed at 100% and baked, so old and new code
 * share the store for the whole rollout window.
 */
export async function advanceSchemaPhase(ctx: ServiceContext, actor: CommandActor, rolloutId: string) {
  const now = ctx.now();
  const { after, changed } = await ctx.db.$transaction(async (tx) => {
    const row = await tx.rollout.findUnique({
      where: { id: rolloutId },
      select: { ...snapshotSelect, schemaChange: true },
    });
    if (!row) throw rolloutNotFound(rolloutId);
    const before = row.schemaChange as SchemaChange | null;
    if (!before) {
      throw new AppError(
        "BAD_INPUT",
        `rollout ${rolloutId} is not tagged schema-affecting: it has no schema phases`,
        "id",
      );
    }
    const after = nextSchemaPhase(before, toSnapshot(row), now.getTime());
    const { count } = await tx.rollout.updateMany({
      where: { id: rolloutId, version: row.version },
      data: { schemaChange: asJson(after), version: { increment: 1 } },
    });
    if (count === 0) throw conflictError(rolloutId, row.version);
    await recordAuditEvent(tx, {
      actor,
      action: "rollout.schema-phase-advanced",
      targetType: "rollout",
      targetId: rolloutId,
      before: asJson(before),
      after: asJson(after),
      at: now,
    });
    const changed = {
      rolloutId,
      version: row.version + 1,
      state: row.state,
      exposurePercent: row.exposurePercent,
    };
    return { after, changed };
  });
  // The version moved: open pages must hear of it, or their next command is refused as stale.
  ctx.events.publish("rollout.changed", changed);
  return after;
}
