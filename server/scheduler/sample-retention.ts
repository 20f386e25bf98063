import type { ServiceContext } from "../services/context";
import { type PrunedSamples, pruneSamples } from "../services/metrics/prune-samples";
import { type SerialLoop, startSerialLoop } from "./serial-loop";

/**
 * Prunes metric samples past `retentionDays` every `intervalMs` (hourly), and once as it starts: a leader
 * elected for less than an interval still prunes. Stopping interrupts a prune between two DELETEs, so a
 * leader stepping down never holds on through a long first prune.
 */
export function startSampleRetention(
  ctx: ServiceContext,
  options: {
    retentionDays: number;
    intervalMs: number;
    onPruned: (pruned: PrunedSamples) => void;
    onError: (error: unknown) => void;
  },
): SerialLoop {
  const stopping = new AbortController();
  const loop = startSerialLoop(async () => {
    const pruned = await pruneSamples(ctx, options.retentionDays, stopping.signal);
    if (pruned.cohort + pruned.service > 0) options.onPruned(pruned);
  }, options);
  loop.beat().catch(options.onError);
  return {
    ...loop,
    async stop() {
      stopping.abort();
      await loop.stop();
    },
  };
}
