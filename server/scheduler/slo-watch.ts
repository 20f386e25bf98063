import type { ServiceContext } from "../services/context";
import { evaluateSlos } from "../services/slo/evaluate-slos";
import { LongWindowSums } from "../services/slo/long-window-sums";
import { type SerialLoop, startSerialLoop } from "./serial-loop";

export type SloWatch = SerialLoop;

/**
 * Judges every SLO every `intervalMs` (about 30 s: the shortest alert window is 5 min), never two beats
 * at once, summing the windows of a day or more in full at most every five minutes (LongWindowSums).
 * Alert and freeze state lives in the database, so a restarted server carries on from it.
 */
export function startSloWatch(
  ctx: ServiceContext,
  options: { intervalMs: number; onError: (error: unknown) => void },
): SloWatch {
  // One term's sums: a new leader sums every window afresh.
  const longSums = new LongWindowSums();
  return startSerialLoop(async () => {
    await evaluateSlos(ctx, { all: true }, longSums);
  }, options);
}
