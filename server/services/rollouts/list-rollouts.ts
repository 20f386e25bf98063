import type { Db } from "../../db/client";
import { type RolloutView, rolloutViewSelect } from "./rollout-view";

/**
 * Every rollout, newest first. Reads only the rollout table (the type says so): callers that need the
 * freeze state too, like the overview, decorate this list (see list-rollout-overview.ts).
 */
export function listRollouts(ctx: { db: Pick<Db, "rollout"> }): Promise<RolloutView[]> {
  return ctx.db.rollout.findMany({ select: rolloutViewSelect, orderBy: { createdAt: "desc" } });
}
