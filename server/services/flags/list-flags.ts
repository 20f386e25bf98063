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
  return (await toFlagViews(ctx.db, rows, { now: ctx.now(), olderThanDays: options.olderThanDays })).views;
}

export async function getFlag(ctx: ServiceContext, key: string): Promise<FlagView> {
  const row = await ctx.db.flag.findUnique({ where: { key }, select: flagViewSelect });
  if (!row) throw new AppError("NOT_FOUND", `No flag with key ${key}`, "key");
  const [view] = (await toFlagViews(ctx.db, [row], { now: ctx.now() })).views;
  return view as FlagView;
}

/**
 * Flag debt: temporary flags fully out (a rollout completed at 100%, or a fixed 100% with no rollout)
 * longer than `olderThanDays` ago (default 7), oldest first. Their code paths can go; archiving takes them
 * out of evaluation.
 */
export async function listFlagDebt(
  ctx: ServiceContext,
  options: { olderThanDays?: number } = {},
): Promise<FlagView[]> {
  const rows = await ctx.db.flag.findMany({
    // toFlagViews decides which are fully out (linked or not), so that rule lives in one place.
    where: { archivedAt: null, temporary: true },
    select: flagViewSelect,
  });
  const { views, debt } = await toFlagViews(ctx.db, rows, {
    now: ctx.now(),
    olderThanDays: options.olderThanDays,
  });
  const byKey = new Map(views.map((v) => [v.key, v]));
  return debt.flatMap((d) => byKey.get(d.key) ?? []);
}
