import type { Prisma } from "../../db/client";
import type { FlagPercentage, FlagVariant, TargetingRule } from "../../domain/flags";
import { type FlagDebt, type FlagExposure, findFlagDebt, fullExposureSince } from "../../domain/rollout";
import { snapshotSelect, toSnapshot } from "../rollouts/rollout-snapshot";
import { configOf, flagConfigColumns, percentageOf } from "./flag-rows";

export type FlagLifecycle = "temporary" | "permanent" | "archived";

export interface FlagView {
  key: string;
  service: string;
  description: string;
  lifecycle: FlagLifecycle;
  enabled: boolean;
  killed: boolean;
  killedAt: Date | null;
  archivedAt: Date | null;
  variants: readonly FlagVariant[];
  defaultVariant: string;
  offVariant: string;
  rules: readonly TargetingRule[];
  percentageVariant: string | null;
  /** The percentage served now: the linked rollout's exposure, never below the flag's fixed one. */
  percentage: FlagPercentage | null;
  rollout: { id: string; release: string; state: string; exposurePercent: number } | null;
  /** Set while the flag is temporary and fully out for longer than the debt threshold. */
  debt: { ageDays: number; fullExposureSince: Date } | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const flagViewSelect = {
  key: true,
  description: true,
  ...flagConfigColumns,
  killedAt: true,
  archivedAt: true,
  version: true,
  createdAt: true,
  updatedAt: true,
  service: { select: { name: true } },
  rollout: { select: { ...snapshotSelect, release: { select: { version: true, environment: true } } } },
} satisfies Prisma.FlagSelect;

type FlagViewRow = Prisma.FlagGetPayload<{ select: typeof flagViewSelect }>;

export interface DebtOptions {
  now: Date;
  /** A temporary flag is debt once fully out for longer than this; default 7. */
  olderThanDays?: number;
}

function exposureOf(row: FlagViewRow): FlagExposure | null {
  if (!row.rollout || row.archivedAt) return null;
  const rollout = toSnapshot(row.rollout);
  return {
    key: row.key,
    temporary: row.temporary,
    exposurePercent: rollout.exposurePercent,
    fullExposureSince: fullExposureSince(rollout),
  };
}

/** Views of the rows, in the given order, each with its debt age; `debt` lists the indebted oldest first. */
export function toFlagViews(
  rows: readonly FlagViewRow[],
  options: DebtOptions,
): { views: FlagView[]; debt: FlagDebt[] } {
  const exposures = rows.flatMap((row) => exposureOf(row) ?? []);
  const debt = findFlagDebt(exposures, options.now.getTime(), { olderThanDays: options.olderThanDays });
  const debtByKey = new Map(debt.map((d) => [d.key, d]));
  const views = rows.map((row): FlagView => {
    const config = configOf(row);
    const owed = debtByKey.get(row.key);
    return {
      key: row.key,
      service: row.service.name,
      description: row.description,
      lifecycle: row.archivedAt ? "archived" : row.temporary ? "temporary" : "permanent",
      enabled: row.enabled,
      killed: row.killed,
      killedAt: row.killedAt,
      archivedAt: row.archivedAt,
      variants: config.variants,
      defaultVariant: config.defaultVariant,
      offVariant: config.offVariant,
      rules: config.rules,
      percentageVariant: config.percentageVariant,
      percentage: percentageOf(row, row.rollout),
      rollout: row.rollout && {
        id: row.rollout.id,
        release: row.rollout.release.version,
        state: row.rollout.state,
        exposurePercent: row.rollout.exposurePercent,
      },
      debt: owed ? { ageDays: owed.ageDays, fullExposureSince: new Date(owed.fullExposureSince) } : null,
      version: row.version,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  });
  return { views, debt };
}
