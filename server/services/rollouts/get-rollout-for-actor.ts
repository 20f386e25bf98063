import { type Actor, COMMAND_PERMISSIONS, can } from "../../auth/permissions";
import {
  type Availability,
  commandAvailability,
  USER_COMMANDS,
  type UserCommand,
} from "../../domain/rollout";
import type { ServiceContext } from "../context";
import { loadFreezeState } from "../freezes/load-freeze-state";
import { rolloutNotFound } from "./get-rollout";
import { snapshotSelect, toSnapshot } from "./rollout-snapshot";
import { type RolloutView, rolloutViewSelect } from "./rollout-view";

export type RolloutForActor = RolloutView & { commands: Record<UserCommand, Availability> };

/** A rollout with, for this user, each command's availability and the reason when it is refused. */
export async function getRolloutForActor(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
): Promise<RolloutForActor> {
  // One read serves both the view and the state machine, so they never disagree (or race to NOT_FOUND).
  const [row, freeze] = await Promise.all([
    ctx.db.rollout.findUnique({ where: { id }, select: { ...snapshotSelect, ...rolloutViewSelect } }),
    loadFreezeState(ctx.db),
  ]);
  if (!row) throw rolloutNotFound(id);
  const byState = commandAvailability(toSnapshot(row), { now: ctx.now().getTime(), freeze, actor });
  const commands = Object.fromEntries(
    USER_COMMANDS.map((type): [UserCommand, Availability] => [
      type,
      can(actor.role, COMMAND_PERMISSIONS[type])
        ? byState[type]
        : { allowed: false, reason: `Your role may not ${type} rollouts`, code: "FORBIDDEN" },
    ]),
  ) as Record<UserCommand, Availability>;
  return { ...row, commands };
}
