import type { Db } from "../../db/client";
import { type RolloutView, rolloutViewSelect } from "./rollout-view";

/** Every rollout, newest first (the API's list; the overview shows only what is active or ended lately). */
export function listRollouts(ctx: { db: Pick<Db, "rollout"> }): Promise<RolloutView[]> {
  return ctx.db.rollout.findMany({ select: rolloutViewSelect, orderBy: { createdAt: "desc" } });
}
