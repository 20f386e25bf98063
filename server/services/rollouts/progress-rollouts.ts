import { Prisma } from "../../db/client";
import { AppError } from "../../domain/errors";
import {
  blockingFreezes,
  freezesAnything,
  isHoldOver,
  type RolloutCommand,
  type RolloutSnapshot,
} from "../../domain/rollout";
import { eachLimited } from "../../each-limited";
import { type CommandActor, systemActor } from "../actors";
import type { ServiceContext } from "../context";
import { loadFreezeState } from "../freezes/load-freeze-state";
import { snapshotSelect, toSnapshot } from "./rollout-snapshot";
import { runRolloutCommand } from "./run-rollout-command";

/** What the analysis concluded about a holding step, in the engine's terms. */
export type StepVerdict =
  | { kind: "rollback"; failedGates: string[]; reason: string }
  | { kind: "degraded"; failedGates: string[]; reason: string }
  | { kind: "pause"; reason: string }
  | { kind: "promote" }
  | { kind: "inconclusive"; reason: string }
  /** Not decided yet: the hold, as far as the data has reached, is not over. */
  | { kind: "continue" };

/** A verdict, and until when (ms) it stands if no sample arrives and the rollout does not change. */
export interface Judgement {
  verdict: StepVerdict;
  standsUntil: number;
}

/** Judges a holding step from its metrics (the analysis); the engine acts on the verdict. */
export type StepJudge = (ctx: ServiceContext, rollout: RolloutSnapshot) => Promise<Judgement>;

/** A holding rollout's last judgement, and what it was made on. */
interface Remembered {
  rollout: RolloutSnapshot;
  sampleCount: number;
  judgement: Judgement;
}

/**
 * The last judgement of each holding rollout, kept by the engine across beats. Samples are only ever
 * added, so the same rollout version with the same number of samples in its current step, before the
 * judgement's `standsUntil`, would be judged the same again: the beat skips loading and judging it.
 */
export type JudgementMemo = Map<string, Remembered>;

export interface ProgressOptions {
  /** Only these rollouts (just sent new metrics); otherwise every running one. */
  only?: readonly string[];
  memo?: JudgementMemo;
}

const JUDGEMENTS_AT_ONCE = 4;

const scheduler = systemActor("scheduler");
const evaluator = systemActor("evaluator");

/**
 * One beat of the engine: each running rollout moves on when its time comes. A passed step ramps to the
 * next (or waits for approval), a holding step is judged, and the verdict becomes a command. Frozen and
 * raced commands are left for the next beat; nothing here bypasses the state machine.
 */
export async function progressRollouts(
  ctx: ServiceContext,
  judge: StepJudge,
  options: ProgressOptions = {},
): Promise<void> {
  const { only, memo } = options;
  if (only?.length === 0) return;
  const now = ctx.now().getTime();
  // What the memo is checked against: each rollout's version and its current step's sample count (a range
  // of the (rollout, interval end) index, however long the rollout's history).
  const rows = await ctx.db.$queryRaw<{ id: string; version: number; samples: bigint }[]>`
    SELECT r."id", r."version",
      (SELECT count(*) FROM "MetricSample" m
        WHERE m."rolloutId" = r."id" AND m."intervalEnd" > coalesce(r."stepStartedAt", 'epoch')) AS "samples"
    FROM "Rollout" r
    WHERE r."state" = 'running' AND r."phase" IN ('ramping', 'holding')
      ${only ? Prisma.sql`AND r."id" IN (${Prisma.join(only)})` : Prisma.empty}`;
  const heads = rows.map((r) => ({ id: r.id, version: r.version, samples: Number(r.samples) }));
  const sampleCounts = new Map(heads.map((h) => [h.id, h.samples]));
  if (memo && !only) {
    for (const id of memo.keys()) if (!sampleCounts.has(id)) memo.delete(id);
  }
  const unchanged: Remembered[] = [];
  const toLoad: string[] = [];
  for (const head of heads) {
    const kept = memo?.get(head.id);
    const stands =
      kept &&
      kept.rollout.version === head.version &&
      kept.sampleCount === head.samples &&
      now < kept.judgement.standsUntil;
    if (stands) unchanged.push(kept);
    else toLoad.push(head.id);
  }
  const loaded = toLoad.length
    ? await ctx.db.rollout.findMany({
        where: { id: { in: toLoad }, state: "running", phase: { in: ["ramping", "holding"] } },
        select: snapshotSelect,
      })
    : [];

  const failures: unknown[] = [];
  const attempt = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      // A freeze holds the ramp; a concurrent human command wins the race. Both are retried next beat.
      if (error instanceof AppError && (error.code === "FROZEN" || error.code === "CONFLICT")) return;
      // One broken rollout must not stall the others.
      failures.push(error);
    }
  };
  const act = async (rollout: RolloutSnapshot, command: RolloutCommand | null, actor: CommandActor) => {
    if (command)
      await runRolloutCommand(ctx, actor, rollout.id, command, { expectedVersion: rollout.version });
  };
  for (const kept of unchanged) {
    await attempt(() => act(kept.rollout, commandFor(kept.rollout, kept.judgement.verdict, now), evaluator));
  }
  // A judgement mostly waits on PostgreSQL (its samples, then its evaluation stored): a few at once keep
  // the process busy meanwhile. Each rollout's own judgement and command stay in order.
  // A frozen service's ramps wait without a transaction each per beat (during a "*" incident, one per
  // ramping rollout every second); the command's own check in its transaction stays the one that counts.
  const freeze = loaded.some((r) => r.phase === "ramping") ? await loadFreezeState(ctx.db) : null;
  const frozen = (rollout: RolloutSnapshot) => freezesAnything(blockingFreezes(freeze, rollout));
  await eachLimited(loaded.map(toSnapshot), JUDGEMENTS_AT_ONCE, (rollout) =>
    attempt(async () => {
      if (rollout.phase === "ramping") {
        return frozen(rollout) ? undefined : act(rollout, { type: "advance" }, scheduler);
      }
      const judgement = await judge(ctx, rollout);
      memo?.set(rollout.id, { rollout, sampleCount: sampleCounts.get(rollout.id) ?? 0, judgement });
      return act(rollout, commandFor(rollout, judgement.verdict, now), evaluator);
    }),
  );
  if (failures.length > 0)
    throw new AggregateError(failures, `${failures.length} rollout(s) could not progress`);
}

function commandFor(rollout: RolloutSnapshot, verdict: StepVerdict, now: number): RolloutCommand | null {
  const stepIndex = rollout.currentStep;
  const holdOver = isHoldOver(rollout, now);
  switch (verdict.kind) {
    case "rollback":
      return {
        type: "gates-failed",
        stepIndex,
        critical: true,
        failedGates: verdict.failedGates,
        reason: verdict.reason,
      };
    case "degraded":
      return {
        type: "gates-failed",
        stepIndex,
        critical: false,
        failedGates: verdict.failedGates,
        reason: verdict.reason,
      };
    case "pause":
      return { type: "pause", reason: verdict.reason };
    case "promote":
      return holdOver ? { type: "gates-passed", stepIndex } : null;
    case "inconclusive":
      return holdOver ? { type: "gates-inconclusive", stepIndex, reason: verdict.reason } : null;
    case "continue":
      // The judge has not reached the hold's end in the data yet (an interval arrives after it ends);
      // it says so only until its outage rule judges silence as missing data.
      return null;
  }
}
