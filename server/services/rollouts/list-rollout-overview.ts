import { blockingFreezes, describeFreezes } from "../../domain/rollout";
import type { ServiceContext } from "../context";
import { loadFreezeState } from "../freezes/load-freeze-state";
import { listRollouts } from "./list-rollouts";
import type { RolloutView } from "./rollout-view";

export type RolloutOverviewItem = RolloutView & {
  /** What freezes the rollout's service now ("" when nothing does): the overview's "frozen by" column. */
  frozenBy: string;
};

/** The overview page's list: every rollout, each with what freezes it now. */
export async function listRolloutOverview(ctx: ServiceContext): Promise<RolloutOverviewItem[]> {
  const [rollouts, freeze] = await Promise.all([listRollouts(ctx), loadFreezeState(ctx.db)]);
  return rollouts.map((rollout) => ({
    ...rollout,
    frozenBy: describeFreezes(blockingFreezes(freeze, rollout.service.name)),
  }));
}
