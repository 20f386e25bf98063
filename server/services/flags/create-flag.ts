import { AppError } from "../../domain/errors";
import { checkFlagConfig, type FlagConfig } from "../../domain/flags";
import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { requireServiceId } from "../require-service";
import { segmentsNamed } from "./flag-rows";
import { type CreateFlagInput, createFlagSchema, parseInput } from "./flag-schemas";
import type { FlagView } from "./flag-view";
import { configColumns, existingSegments, flagAudit, flagChanged } from "./flag-writes";
import { getFlag } from "./list-flags";

/** Creates a flag of a service. Everything is checked before anything is stored. */
export async function createFlag(
  ctx: ServiceContext,
  actor: CommandActor,
  input: CreateFlagInput,
): Promise<FlagView> {
  const parsed = parseInput(createFlagSchema, input);
  const config: FlagConfig = {
    variants: parsed.variants,
    defaultVariant: parsed.defaultVariant,
    offVariant: parsed.offVariant,
    rules: parsed.rules ?? [],
    percentageVariant: parsed.percentageVariant ?? null,
    percentage: parsed.percentage ?? null,
  };
  const now = ctx.now();
  await ctx.db.$transaction(async (tx) => {
    const serviceId = await requireServiceId(tx, parsed.service);
    const segments = await existingSegments(tx, segmentsNamed(config.rules));
    checkFlagConfig(config, { segments, drivenByRollout: false });
    if (await tx.flag.findUnique({ where: { key: parsed.key }, select: { id: true } })) {
      throw new AppError("CONFLICT", `A flag with key ${parsed.key} already exists`, "key");
    }
    const flag = {
      description: parsed.description ?? "",
      enabled: parsed.enabled ?? true,
      killed: false,
      temporary: parsed.temporary ?? false,
      rolloutId: null,
    };
    await tx.flag.create({
      data: {
        key: parsed.key,
        serviceId,
        description: flag.description,
        ...configColumns(config),
        enabled: flag.enabled,
        temporary: flag.temporary,
        createdAt: now,
      },
      select: { id: true },
    });
    await recordAuditEvent(tx, {
      actor,
      action: "flag.created",
      targetType: "flag",
      targetId: parsed.key,
      after: flagAudit({ ...config, ...flag }),
      at: now,
    });
  });
  ctx.events.publish("flag.changed", flagChanged({ key: parsed.key, rolloutId: null }, 0));
  return getFlag(ctx, parsed.key);
}
