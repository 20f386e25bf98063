import { AppError } from "../../domain/errors";
import type { ServiceContext } from "../context";
import { type FlagView, flagViewSelect, toFlagViews } from "./flag-view";

export interface ListFlagsOptions {
  service?: string;
  includeArchived?: boolean;
  /** Debt threshold in days (default 7). */
  olderThanDays?: number;
}

/** Every flag with its lifecycle and, for temporary flags fully out too long, its debt age. By key. */
export async function listFlags(ctx: ServiceContext, options: ListFlagsOptions = {}): Promise<FlagView[]> {
  const rows = await ctx.db.flag.findMany({
    where: {
      ...(options.service ? { service: { name: options.service } } : {}),
      ...(options.includeArchived ? {} : { archivedAt: null }),
    },
    select: flagViewSelect,
    orderBy: { key: "asc" },
  });
  return toFlagViews(rows, { now: ctx.now(), olderThanDays: options.olderThanDays }).views;
}

export async function getFlag(ctx: ServiceContext, key: string): Promise<FlagView> {
  const row = await ctx.db.flag.findUnique({ where: { key }, select: flagViewSelect });
  if (!row) throw new AppError("NOT_FOUND", `No flag with key ${key}`, "key");
  const [view] = toFlagViews([row], { now: ctx.now() }).views;
  return view as FlagView;
}

/**
 * Flag debt: temporary flags whose rollout completed at 100% longer than `olderThanDays` ago (default 7),
 * oldest first. Their code paths can go; archiving takes them out of evaluation.
 */
export async function listFlagDebt(
  ctx: ServiceContext,
  options: { olderThanDays?: number } = {},
): Promise<FlagView[]> {
  const rows = await ctx.db.flag.findMany({
    where: { archivedAt: null, temporary: true, rollout: { state: "completed", exposurePercent: 100 } },
    select: flagViewSelect,
  });
  const { views, debt } = toFlagViews(rows, { now: ctx.now(), olderThanDays: options.olderThanDays });
  const byKey = new Map(views.map((v) => [v.key, v]));
  return debt.flatMap((d) => byKey.get(d.key) ?? []);
}
