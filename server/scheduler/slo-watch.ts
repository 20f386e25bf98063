import type { ServiceContext } from "../services/context";
import { evaluateSlos } from "../services/slo/evaluate-slos";
import { type SerialLoop, startSerialLoop } from "./serial-loop";

export type SloWatch = SerialLoop;

/**
 * Judges every SLO every `intervalMs` (about 30 s: the shortest alert window is 5 min), never two beats
 * at once. Alert and freeze state lives in the database, so a restarted server carries on from it.
 */
export function startSloWatch(
  ctx: ServiceContext,
  options: { intervalMs: number; onError: (error: unknown) => void },
): SloWatch {
  return startSerialLoop(async () => {
    await evaluateSlos(ctx, { all: true });
  }, options);
}
