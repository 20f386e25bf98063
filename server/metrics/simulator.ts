import type { ServiceContext } from "../services/context";
import { ingestSamples } from "../services/metrics/ingest-samples";
import { startIntervalLoop } from "./interval-loop";
import { NO_REGRESSION, type ServiceProfile, simulateInterval } from "./simulated-traffic";

export const DEMO_PROFILE: ServiceProfile = {
  requestsPerSecond: 400,
  errorRate: 0.005,
  latencyMedianMs: 80,
  latencySigma: 0.5,
  conversionTrialRate: 0.2,
  conversionRate: 0.3,
};

export interface Simulator {
  stop(): Promise<void>;
  /** Writes one interval now (tests call it instead of waiting for the timer). */
  tick(): Promise<void>;
}

/**
 * The embedded default metric source: every interval, writes baseline and canary samples for each
 * rollout that has traffic, through the same ingestion service as the push API.
 */
export function startSimulator(
  ctx: ServiceContext,
  options: {
    intervalSeconds: number;
    /** Traffic of each simulated service (both cohorts together). */
    requestsPerSecond?: number;
    random?: () => number;
    onError?: (error: unknown) => void;
  },
): Simulator {
  const random = options.random ?? Math.random;
  const profile = {
    ...DEMO_PROFILE,
    requestsPerSecond: options.requestsPerSecond ?? DEMO_PROFILE.requestsPerSecond,
  };

  async function writeInterval(intervalEnd: number): Promise<void> {
    const rollouts = await ctx.db.rollout.findMany({
      where: { state: { in: ["running", "paused"] } },
      select: { id: true, exposurePercent: true, simulatedRegression: true },
    });
    const samples = rollouts.flatMap((rollout) =>
      simulateInterval({
        rolloutId: rollout.id,
        intervalEnd,
        intervalSeconds: options.intervalSeconds,
        exposurePercent: rollout.exposurePercent,
        profile,
        regression: rollout.simulatedRegression ?? NO_REGRESSION,
        random,
      }),
    );
    // An interval written again (tick() after the timer) draws other random numbers: ingest keeps the
    // stored ones and reports conflicts, which a simulation can ignore.
    await ingestSamples(ctx, samples);
  }

  // Each interval is written as it ends, as a live source would deliver it.
  const loop = startIntervalLoop({
    now: () => ctx.now(),
    intervalSeconds: options.intervalSeconds,
    delaySeconds: 0,
    run: writeInterval,
    onError: (error) => options.onError?.(error),
  });
  return { tick: loop.runNow, stop: loop.stop };
}
