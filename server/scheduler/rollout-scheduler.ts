import type { ServiceContext } from "../services/context";
import { type JudgementMemo, progressRollouts, type StepJudge } from "../services/rollouts/progress-rollouts";

export interface RolloutScheduler {
  /** Runs one beat now (tests call it instead of waiting). */
  beat(): Promise<void>;
  /** Resolves when the work queued so far is done. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

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
  let current: Promise<void> = Promise.resolve();
  let stopped = false;
  let pending = new Set<string>();
  // What each holding rollout was last judged on: a beat judges only what new samples, a command or time
  // changed, so 1,000 quiet rollouts cost one query a beat instead of a thousand evaluations.
  const memo: JudgementMemo = new Map();
  // A failed piece of work must not stop the ones after it.
  const enqueue = (work: () => Promise<void>) => {
    current = current.catch(() => {}).then(work);
    return current;
  };
  const beat = () => enqueue(() => progressRollouts(ctx, options.judge, { memo }));
  const judgeNew = () => {
    const ids = [...pending];
    pending = new Set();
    return ids.length ? progressRollouts(ctx, options.judge, { only: ids, memo }) : Promise.resolve();
  };
  const unsubscribe = ctx.events.subscribe("samples.ingested", ({ rolloutId }) => {
    if (stopped) return;
    // Batches arriving while one is judged are coalesced into the next run.
    if (pending.size === 0) enqueue(judgeNew).catch(options.onError);
    pending.add(rolloutId);
  });
  const timer = setInterval(() => {
    beat().catch(options.onError);
  }, options.intervalMs);
  return {
    beat,
    settled: () => current.catch(() => {}),
    async stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      clearInterval(timer);
      await current.catch(() => {});
    },
  };
}
