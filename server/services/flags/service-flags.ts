import type { FlagPercentage, FlagVariant, SegmentDefinition, TargetingRule } from "../../domain/flags";
import type { ServiceContext } from "../context";
import {
  configOf,
  flagConfigColumns,
  percentageOf,
  segmentSelect,
  segmentsNamed,
  toSegment,
} from "./flag-rows";

/** A flag as the exposure document shows it: what an SDK or proxy needs to evaluate it locally. */
export interface ExposedFlag {
  key: string;
  enabled: boolean;
  killed: boolean;
  temporary: boolean;
  variants: readonly FlagVariant[];
  defaultVariant: string;
  offVariant: string;
  rules: readonly TargetingRule[];
  /** Keys bucketed below `percent` (group = flag key) get `variant`; set by the rollout when it has one. */
  percentage: FlagPercentage | null;
}

/** The service's unarchived flags by key, and the segments their rules name. */
export async function getServiceFlags(
  ctx: ServiceContext,
  serviceId: string,
): Promise<{ flags: ExposedFlag[]; segments: SegmentDefinition[] }> {
  const rows = await ctx.db.flag.findMany({
    where: { serviceId, archivedAt: null },
    select: {
      key: true,
      ...flagConfigColumns,
      rollout: { select: { id: true, exposurePercent: true } },
    },
    orderBy: { key: "asc" },
  });
  const flags = rows.map((row): ExposedFlag => {
    const config = configOf(row);
    return {
      key: row.key,
      enabled: row.enabled,
      killed: row.killed,
      temporary: row.temporary,
      variants: config.variants,
      defaultVariant: config.defaultVariant,
      offVariant: config.offVariant,
      rules: config.rules,
      percentage: percentageOf(row, row.rollout),
    };
  });
  const named = [...new Set(flags.flatMap((f) => segmentsNamed(f.rules)))];
  const segments =
    named.length === 0
      ? []
      : await ctx.db.segment.findMany({
          where: { key: { in: named } },
          select: segmentSelect,
          orderBy: { key: "asc" },
        });
  return { flags, segments: segments.map(toSegment) };
}
