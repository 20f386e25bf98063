import { blockingFreezes, describeFreezes } from "../../domain/rollout";
import type { ServiceContext } from "../context";
import { loadFreezeState } from "../freezes/load-freeze-state";
import { type RolloutView, rolloutViewSelect } from "./rollout-view";

export type RolloutListItem = RolloutView & {
  /** What freezes the rollout's service now ("" when nothing does): the overview's freeze state. */
  frozenBy: string;
};

export async function listRollouts(ctx: ServiceContext): Promise<RolloutListItem[]> {
  const [rows, freeze] = await Promise.all([
    ctx.db.rollout.findMany({ select: rolloutViewSelect, orderBy: { createdAt: "desc" } }),
    loadFreezeState(ctx.db),
  ]);
  return rows.map((row) => ({
    ...row,
    frozenBy: describeFreezes(blockingFreezes(freeze, row.service.name)),
  }));
}
