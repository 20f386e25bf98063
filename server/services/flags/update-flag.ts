import { AppError } from "../../domain/errors";
import { checkFlagConfig, type FlagConfig } from "../../domain/flags";
import { isTerminalState } from "../../domain/rollout";
import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { configOf, segmentsNamed } from "./flag-rows";
import { type FlagPatch, parseInput, updateFlagSchema } from "./flag-schemas";
import type { FlagView } from "./flag-view";
import {
  auditOf,
  configColumns,
  existingSegments,
  flagAudit,
  flagChanged,
  loadWritableFlag,
  writeFlag,
} from "./flag-writes";
import { getFlag } from "./list-flags";

/**
 * Changes a flag's variants, rules, percentage, description, enabled or lifecycle. The result is checked
 * as a whole (a rule may not name a variant the same patch removes); a refused patch stores nothing.
 */
export async function updateFlag(
  ctx: ServiceContext,
  actor: CommandActor,
  key: string,
  patch: FlagPatch,
  options: { expectedVersion?: number } = {},
): Promise<FlagView> {
  const parsed = parseInput(updateFlagSchema, patch);
  const now = ctx.now();
  const change = await ctx.db.$transaction(async (tx) => {
    const row = await loadWritableFlag(tx, key, options.expectedVersion);
    const { rollout } = row;
    const finished = rollout !== null && isTerminalState(rollout.state);
    if (rollout && !finished && parsed.percentage != null) {
      throw new AppError(
        "BAD_INPUT",
        `percentage: rollout ${rollout.id} drives this flag's percentage`,
        "percentage",
      );
    }
    // Once its rollout is over, a percentage set by hand takes the flag back: it is the flag's own again.
    // Clearing it (null) keeps the rollout's exposure serving, as it does while the rollout runs.
    const unlinkFrom = finished && parsed.percentage != null ? rollout : null;
    const rolloutId = unlinkFrom ? null : row.rolloutId;
    const before = configOf(row);
    const config: FlagConfig = {
      variants: parsed.variants ?? before.variants,
      defaultVariant: parsed.defaultVariant ?? before.defaultVariant,
      offVariant: parsed.offVariant ?? before.offVariant,
      rules: parsed.rules ?? before.rules,
      percentageVariant:
        parsed.percentageVariant !== undefined ? parsed.percentageVariant : before.percentageVariant,
      percentage: parsed.percentage !== undefined ? parsed.percentage : before.percentage,
    };
    const segments = await existingSegments(tx, segmentsNamed(config.rules));
    checkFlagConfig(config, { segments, drivenByRollout: rolloutId !== null });
    const flag = {
      description: parsed.description ?? row.description,
      enabled: parsed.enabled ?? row.enabled,
      killed: row.killed,
      temporary: parsed.temporary ?? row.temporary,
      rolloutId,
    };
    const next = await writeFlag(tx, row, {
      ...configColumns(config),
      description: flag.description,
      enabled: flag.enabled,
      temporary: flag.temporary,
      rolloutId,
    });
    await recordAuditEvent(tx, {
      actor,
      action: "flag.updated",
      targetType: "flag",
      targetId: key,
      reason: unlinkFrom
        ? `rollout ${unlinkFrom.id} is ${unlinkFrom.state}; the flag's percentage is its own again`
        : undefined,
      before: auditOf(row),
      after: flagAudit({ ...config, ...flag }),
      at: now,
    });
    return flagChanged(row, next);
  });
  ctx.events.publish("flag.changed", change);
  return getFlag(ctx, key);
}
