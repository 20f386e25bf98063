import type { ServiceContext } from "../context";
import { type RolloutView, rolloutViewSelect } from "./rollout-view";

export function listRollouts(ctx: ServiceContext): Promise<RolloutView[]> {
  return ctx.db.rollout.findMany({ select: rolloutViewSelect, orderBy: { createdAt: "desc" } });
}
