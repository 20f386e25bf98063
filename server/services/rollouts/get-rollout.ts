import { AppError } from "../../domain/errors";
import type { ServiceContext } from "../context";
import { type RolloutView, rolloutViewSelect } from "./rollout-view";

export const rolloutNotFound = (id: string) => new AppError("NOT_FOUND", `No rollout with id ${id}`, "id");

export async function getRollout(ctx: ServiceContext, id: string): Promise<RolloutView> {
  const rollout = await ctx.db.rollout.findUnique({ where: { id }, select: rolloutViewSelect });
  if (!rollout) throw rolloutNotFound(id);
  return rollout;
}
