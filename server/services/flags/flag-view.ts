import type { Db, Prisma } from "../../db/client";
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
  rolloutId: true,
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

/** The fields, on a flag row or on a flag audit snapshot, that say it serves a fixed 100% on its own. */
interface FixedPercentage {
  rolloutId?: unknown;
  percentageVariant?: unknown;
  percentage?: unknown;
}

/** Unlinked and at a fixed 100% (as percentageOf serves it), so everyone gets the percentage variant. */
function servesFixedFull(flag: FixedPercentage | null): boolean {
  return flag?.rolloutId == null && typeof flag?.percentageVariant === "string" && flag.percentage === 100;
}

/**
 * A temporary flag fully out with no rollout behind it: e.g. one whose percentage was set to 100 by hand
 * after its rollout ended, which unlinks it. Disabled or killed, it serves no one the feature.
 */
function isFixedFullCandidate(row: FlagViewRow): boolean {
  return row.temporary && row.enabled && !row.killed && !row.archivedAt && servesFixedFull(row);
}

/**
 * When each flag began serving its fixed 100%: the latest audit event after which it did and before which it
 * did not. updatedAt would restart the clock on any edit (a description, a rule), so the audit trail, which
 * every flag write records with the flag's before and after, is the honest source.
 */
async function fixedFullSince(db: Db, keys: readonly string[]): Promise<Map<string, number>> {
  const since = new Map<string, number>();
  if (keys.length === 0) return since;
  const events = await db.auditEvent.findMany({
    where: { targetType: "flag", targetId: { in: [...keys] } },
    select: { targetId: true, at: true, before: true, after: true },
    orderBy: { id: "asc" },
  });
  const snapshot = (json: Prisma.JsonValue) =>
    typeof json === "object" && json !== null && !Array.isArray(json) ? (json as FixedPercentage) : null;
  for (const e of events) {
    if (servesFixedFull(snapshot(e.after)) && !servesFixedFull(snapshot(e.before))) {
      since.set(e.targetId, e.at.getTime());
    }
  }
  return since;
}

function exposureOf(row: FlagViewRow, fixedSince: ReadonlyMap<string, number>): FlagExposure | null {
  if (row.archivedAt) return null;
  if (!row.rollout) {
    const since = fixedSince.get(row.key);
    return since === undefined
      ? null
      : { key: row.key, temporary: row.temporary, exposurePercent: 100, fullExposureSince: since };
  }
  const rollout = toSnapshot(row.rollout);
  return {
    key: row.key,
    temporary: row.temporary,
    exposurePercent: rollout.exposurePercent,
    fullExposureSince: fullExposureSince(rollout),
  };
}

/** Views of the rows, in the given order, each with its debt age; `debt` lists the indebted oldest first. */
export async function toFlagViews(
  db: Db,
  rows: readonly FlagViewRow[],
  options: DebtOptions,
): Promise<{ views: FlagView[]; debt: FlagDebt[] }> {
  const fixedSince = await fixedFullSince(
    db,
    rows.filter(isFixedFullCandidate).map((row) => row.key),
  );
  const exposures = rows.flatMap((row) => exposureOf(row, fixedSince) ?? []);
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
