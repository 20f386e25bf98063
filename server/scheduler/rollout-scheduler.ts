import type { ServiceContext } from "../services/context";
import { type JudgementMemo, progressRollouts, type StepJudge } from "../services/rollouts/progress-rollouts";
import { type SerialLoop, startSerialLoop } from "./serial-loop";

export type RolloutScheduler = Omit<SerialLoop, "enqueue">;

/**
 * The engine's clock. New metrics for a rollout are judged as soon as they arrive, so a failing gate
 * rolls back within moments of the sample; a beat every `intervalMs` catches what time alone changes
 * (a hold that ended, a step ready to ramp). Work runs one piece at a time, never two beats at once.
 * Hold deadlines live in the database, so a restarted server simply carries on from them.
 */
export function startRolloutScheduler(
  ctx: ServiceContext,
  options: { judge: StepJudge; intervalMs: number; onError: (error: unknown) => void },
): RolloutScheduler {
  // What each holding rollout was last judged on: a beat judges only what new samples, a command or time
  // changed, so 1,000 quiet rollouts cost one query a beat instead of a thousand evaluations.
  const memo: JudgementMemo = new Map();
  const loop = startSerialLoop(() => progressRollouts(ctx, options.judge, { memo }), options);
  let pending = new Set<string>();
  const judgeNew = () => {
    const ids = [...pending];
    pending = new Set();
    return ids.length ? progressRollouts(ctx, options.judge, { only: ids, memo }) : Promise.resolve();
  };
  const unsubscribe = ctx.events.subscribe("samples.ingested", ({ rolloutId }) => {
    // Batches arriving while one is judged are coalesced into the next run.
    if (pending.size === 0) loop.enqueue(judgeNew).catch(options.onError);
    pending.add(rolloutId);
  });
  return {
    beat: loop.beat,
    settled: loop.settled,
    async stop() {
      unsubscribe();
      await loop.stop();
    },
  };
}
