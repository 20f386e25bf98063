import { type Actor, can, type Permission } from "../../auth/permissions";
import {
  type Availability,
  commandAvailability,
  USER_COMMANDS,
  type UserCommand,
} from "../../domain/rollout";
import type { ServiceContext } from "../context";
import { loadFreezeState } from "../freezes/load-freeze-state";
import { getRollout } from "./get-rollout";
import { snapshotSelect, toSnapshot } from "./rollout-snapshot";
import type { RolloutView } from "./rollout-view";

export const COMMAND_PERMISSIONS: Record<UserCommand, Permission> = {
  start: "rollouts:manage",
  advance: "rollouts:manage",
  approve: "rollouts:manage",
  resume: "rollouts:manage",
  abort: "rollouts:manage",
  pause: "rollouts:pause",
  kill: "rollouts:kill",
};

export type RolloutForActor = RolloutView & { commands: Record<UserCommand, Availability> };

/** A rollout with, for this user, each command's availability and the reason when it is refused. */
export async function getRolloutForActor(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
): Promise<RolloutForActor> {
  const [view, row, freeze] = await Promise.all([
    getRollout(ctx, id),
    ctx.db.rollout.findUniqueOrThrow({ where: { id }, select: snapshotSelect }),
    loadFreezeState(ctx.db),
  ]);
  const byState = commandAvailability(toSnapshot(row), { now: ctx.now().getTime(), freeze, actor });
  const commands = Object.fromEntries(
    USER_COMMANDS.map((type): [UserCommand, Availability] => [
      type,
      can(actor.role, COMMAND_PERMISSIONS[type])
        ? byState[type]
        : { allowed: false, reason: `Your role may not ${type} rollouts`, code: "FORBIDDEN" },
    ]),
  ) as Record<UserCommand, Availability>;
  return { ...view, commands };
}
