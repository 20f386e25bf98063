import { nameFor, type PersonalDataReader } from "../../domain/audit";
import { blockingFreezes, describeFreezes, TERMINAL_STATES } from "../../domain/rollout";
import type { ServiceContext } from "../context";
import { loadFreezeState } from "../freezes/load-freeze-state";
import { type RolloutView, rolloutViewSelect } from "./rollout-view";

export type RolloutOverviewItem = RolloutView & {
  /** What freezes the rollout's service now ("" when nothing does): the overview's "frozen by" column. */
  frozenBy: string;
};

export type EndedRolloutItem = RolloutView & {
  /** Who ended it, as the audit history names them ("system:evaluator", "operator:alice"), emails hidden as there. */
  endedBy: string | null;
  /** Why, as audited: the failed gate and its numbers, the kill's reason; null when none was given. */
  endReason: string | null;
};

export interface RolloutOverview {
  /** Every draft, running and paused rollout, newest first, with what freezes it now. */
  active: RolloutOverviewItem[];
  /** The rollouts that ended last, newest ending first: the overview stays small however long the history. */
  ended: EndedRolloutItem[];
}

/** The audit actions that take a rollout to a terminal state (decide.ts emits exactly one per rollout). */
const ENDING_ACTIONS = ["rollout.completed", "rollout.rolled-back", "rollout.aborted"];

export const ENDED_ROLLOUTS_SHOWN = 20;

/** The overview page: what is in flight now and what ended lately (the audit page keeps the rest). */
export async function listRolloutOverview(
  ctx: ServiceContext,
  reader: PersonalDataReader,
): Promise<RolloutOverview> {
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
      orderBy: [{ endedAt: { sort: "desc", nulls: "last" } }, { id: "desc" }],
      take: ENDED_ROLLOUTS_SHOWN,
    }),
    loadFreezeState(ctx.db),
  ]);
  const endings = await ctx.db.auditEvent.findMany({
    where: {
      targetType: "rollout",
      targetId: { in: ended.map((r) => r.id) },
      action: { in: ENDING_ACTIONS },
    },
    select: { targetId: true, actor: true, reason: true },
    orderBy: { id: "asc" }, // were there ever two, the Map keeps the newest
  });
  const endingOf = new Map(endings.map((e) => [e.targetId, e]));
  return {
    active: active.map((rollout) => ({
      ...rollout,
      frozenBy: describeFreezes(
        blockingFreezes(freeze, {
          serviceId: rollout.service.name,
          environment: rollout.release.environment,
        }),
      ),
    })),
    ended: ended.map((rollout) => ({
      ...rollout,
      endedBy: nameFor(reader, endingOf.get(rollout.id)?.actor ?? null),
      endReason: nameFor(reader, endingOf.get(rollout.id)?.reason ?? null),
    })),
  };
}
