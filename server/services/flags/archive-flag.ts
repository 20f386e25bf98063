import { AppError } from "../../domain/errors";
import { isTerminalState } from "../../domain/rollout";
import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import type { FlagView } from "./flag-view";
import { auditOf, flagChanged, writableFlagSelect, writeFlag } from "./flag-writes";
import { getFlag } from "./list-flags";

/**
 * Retires a flag: it leaves evaluation (SDKs get FLAG_NOT_FOUND and use their code default) and can no
 * longer change. A flag still gating a live rollout cannot go. Archiving twice changes nothing.
 */
export async function archiveFlag(
  ctx: ServiceContext,
  actor: CommandActor,
  key: string,
  reason?: string,
): Promise<FlagView> {
  const now = ctx.now();
  const change = await ctx.db.$transaction(async (tx) => {
    const row = await tx.flag.findUnique({ where: { key }, select: writableFlagSelect });
    if (!row) throw new AppError("NOT_FOUND", `No flag with key ${key}`, "key");
    if (row.archivedAt) return null;
    const rollout = row.rollout;
    if (rollout && !isTerminalState(rollout.state)) {
      throw new AppError(
        "ILLEGAL_TRANSITION",
        `flag ${key} gates rollout ${rollout.id}, which is ${rollout.state}; finish or abort it first`,
        "key",
      );
    }
    const next = await writeFlag(tx, row, { archivedAt: now });
    await recordAuditEvent(tx, {
      actor,
      action: "flag.archived",
      targetType: "flag",
      targetId: key,
      reason: reason ?? null,
      before: auditOf(row),
      after: { archivedAt: now.toISOString(), version: next },
      at: now,
    });
    return flagChanged(row, next);
  });
  if (change) ctx.events.publish("flag.changed", change);
  return getFlag(ctx, key);
}
