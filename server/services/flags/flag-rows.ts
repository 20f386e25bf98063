import type { Prisma } from "../../db/client";
import type {
  FlagConfig,
  FlagDefinition,
  FlagPercentage,
  FlagVariant,
  SegmentDefinition,
  TargetingRule,
} from "../../domain/flags";

/** The columns that define how a flag evaluates; every read of a flag's definition selects them. */
export const flagConfigColumns = {
  variants: true,
  defaultVariant: true,
  offVariant: true,
  rules: true,
  percentageVariant: true,
  percentage: true,
  enabled: true,
  killed: true,
  temporary: true,
} as const;

/** The columns evaluation needs, with the linked rollout's exposure read live (never a stale copy). */
export const flagDefinitionSelect = {
  id: true,
  key: true,
  ...flagConfigColumns,
  version: true,
  rollout: { select: { id: true, exposurePercent: true, version: true } },
} satisfies Prisma.FlagSelect;

export type FlagDefinitionRow = Prisma.FlagGetPayload<{ select: typeof flagDefinitionSelect }>;

export const segmentSelect = { key: true, includedKeys: true, rules: true } satisfies Prisma.SegmentSelect;
type SegmentRow = Prisma.SegmentGetPayload<{ select: typeof segmentSelect }>;

/** JSON columns are only written by the flag services, after checkFlagConfig: their shape is known. */
export function configOf(row: {
  variants: Prisma.JsonValue;
  defaultVariant: string;
  offVariant: string;
  rules: Prisma.JsonValue;
  percentageVariant: string | null;
  percentage: number | null;
}): FlagConfig {
  return {
    variants: row.variants as unknown as FlagVariant[],
    defaultVariant: row.defaultVariant,
    offVariant: row.offVariant,
    rules: row.rules as unknown as TargetingRule[],
    percentageVariant: row.percentageVariant,
    percentage: row.percentage,
  };
}

/**
 * A linked rollout's exposure is the percentage, but never below the flag's own fixed one: that is what
 * the flag served before the rollout, and a draft (0%), a first step awaiting approval or a kill back to
 * a last-known-good under it must not take the feature from those users. Below it, the rollout does not
 * drive the flag, so its users are no rollout's cohort.
 */
export function percentageOf(
  row: Pick<FlagDefinitionRow, "percentageVariant" | "percentage">,
  rollout: { id: string; exposurePercent: number } | null,
): FlagPercentage | null {
  if (row.percentageVariant === null) return null;
  if (rollout && rollout.exposurePercent >= (row.percentage ?? 0))
    return { variant: row.percentageVariant, percent: rollout.exposurePercent, rolloutId: rollout.id };
  if (row.percentage === null) return null;
  return { variant: row.percentageVariant, percent: row.percentage, rolloutId: null };
}

export function toFlagDefinition(row: FlagDefinitionRow, exposurePercent?: number): FlagDefinition {
  const config = configOf(row);
  const rollout = row.rollout && {
    id: row.rollout.id,
    exposurePercent: exposurePercent ?? row.rollout.exposurePercent,
  };
  return {
    key: row.key,
    variants: config.variants,
    defaultVariant: config.defaultVariant,
    offVariant: config.offVariant,
    rules: config.rules,
    percentage: percentageOf(row, rollout),
    enabled: row.enabled,
    killed: row.killed,
  };
}

export function toSegment(row: SegmentRow): SegmentDefinition {
  return {
    key: row.key,
    includedKeys: row.includedKeys,
    rules: row.rules as unknown as SegmentDefinition["rules"],
  };
}

/** Segment keys the rules name, for the exposure document and for checks. */
export function segmentsNamed(rules: readonly TargetingRule[]): string[] {
  const keys = new Set<string>();
  for (const rule of rules) for (const c of rule.conditions) if ("segment" in c) keys.add(c.segment);
  return [...keys];
}
