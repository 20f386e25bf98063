import type { ServiceContext } from "../services/context";
import { evaluateSlos } from "../services/slo/evaluate-slos";

export interface SloWatch {
  /** Evaluates every SLO now (tests call it instead of waiting). */
  beat(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Judges every SLO every `intervalMs` (about 30 s: the shortest alert window is 5 min), never two beats
 * at once. Alert and freeze state lives in the database, so a restarted server carries on from it.
 */
export function startSloWatch(
  ctx: ServiceContext,
  options: { intervalMs: number; onError: (error: unknown) => void },
): SloWatch {
  let current: Promise<void> = Promise.resolve();
  let stopped = false;
  const beat = () => {
    // A failed beat must not stop the ones after it.
    current = current
      .catch(() => {})
      .then(async () => {
        await evaluateSlos(ctx, { all: true });
      });
    return current;
  };
  const timer = setInterval(() => {
    beat().catch(options.onError);
  }, options.intervalMs);
  return {
    beat,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await current.catch(() => {});
    },
  };
}
