import { blockingFreezes, describeFreezes, TERMINAL_STATES } from "../../domain/rollout";
import type { ServiceContext } from "../context";
import { loadFreezeState } from "../freezes/load-freeze-state";
import { type RolloutView, rolloutViewSelect } from "./rollout-view";

export type RolloutOverviewItem = RolloutView & {
  /** What freezes the rollout's service now ("" when nothing does): the overview's "frozen by" column. */
  frozenBy: string;
};

export interface RolloutOverview {
  /** Every draft, running and paused rollout, newest first, with what freezes it now. */
  active: RolloutOverviewItem[];
  /** The rollouts that ended last, newest ending first: the overview stays small however long the history. */
  ended: RolloutView[];
}

export const ENDED_ROLLOUTS_SHOWN = 20;

/** The overview page: what is in flight now and what ended lately (the audit page keeps the rest). */
export async function listRolloutOverview(ctx: ServiceContext): Promise<RolloutOverview> {
  const states = [...TERMINAL_STATES];
  const [active, ended, freeze] = await Promise.all([
    ctx.db.rollout.findMany({
      where: { state: { notIn: states } },
      select: rolloutViewSelect,
      orderBy: { createdAt: "desc" },
    }),
    ctx.db.rollout.findMany({
      where: { state: { in: states } },
      select: rolloutViewSelect,
      orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
      take: ENDED_ROLLOUTS_SHOWN,
    }),
    loadFreezeState(ctx.db),
  ]);
  return {
    active: active.map((rollout) => ({
      ...rollout,
      frozenBy: describeFreezes(blockingFreezes(freeze, rollout.service.name)),
    })),
    ended,
  };
}
