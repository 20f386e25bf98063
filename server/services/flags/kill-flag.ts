import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import type { FlagView } from "./flag-view";
import { flagChanged, loadWritableFlag, writeFlag } from "./flag-writes";
import { getFlag } from "./list-flags";

/**
 * The per-flag kill switch: everyone gets the off variant at once, whatever the rules or the rollout's
 * exposure. Independent of the rollout (killing a rollout only takes its flag back to last-known-good).
 * Setting the switch to where it already is changes nothing and records nothing.
 */
export async function setFlagKilled(
  ctx: ServiceContext,
  actor: CommandActor,
  key: string,
  killed: boolean,
  reason?: string,
): Promise<FlagView> {
  const now = ctx.now();
  const change = await ctx.db.$transaction(async (tx) => {
    const row = await loadWritableFlag(tx, key);
    if (row.killed === killed) return null;
    const next = await writeFlag(tx, row, { killed, killedAt: killed ? now : null });
    await recordAuditEvent(tx, {
      actor,
      action: killed ? "flag.killed" : "flag.unkilled",
      targetType: "flag",
      targetId: key,
      reason: reason ?? null,
      before: { killed: row.killed, version: row.version },
      after: { killed, version: next },
      at: now,
    });
    return flagChanged(row, next);
  });
  if (change) ctx.events.publish("flag.changed", change);
  return getFlag(ctx, key);
}
