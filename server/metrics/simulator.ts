import { combineTraffic } from "../domain/metrics/cohort-sample";
import type { ServiceContext } from "../services/context";
import { ingestSamples } from "../services/metrics/ingest-samples";
import { storeServiceSamples } from "../services/metrics/store-service-samples";
import { listWatchedEnvironments } from "../services/slo/list-watched-environments";
import { startIntervalLoop } from "./interval-loop";
import { NO_REGRESSION, type Regression, type ServiceProfile, simulateInterval } from "./simulated-traffic";

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
 * rollout that has traffic, through the same ingestion service as the push API, and the whole traffic of
 * every service environment an SLO watches.
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
    const [rollouts, watched] = await Promise.all([
      ctx.db.rollout.findMany({
        where: { state: { in: ["running", "paused"] } },
        select: {
          id: true,
          exposurePercent: true,
          simulatedRegression: true,
          service: { select: { name: true } },
          release: { select: { environment: true } },
        },
        orderBy: { createdAt: "desc" },
      }),
      // The services' environments that an SLO watches get their whole traffic too.
      listWatchedEnvironments(ctx.db),
    ]);
    const draw = (rolloutId: string, exposurePercent: number, regression: Regression) =>
      simulateInterval({
        rolloutId,
        intervalEnd,
        intervalSeconds: options.intervalSeconds,
        exposurePercent,
        profile,
        regression,
        random,
      });
    const byRollout = new Map(
      rollouts.map((r) => [r.id, draw(r.id, r.exposurePercent, r.simulatedRegression ?? NO_REGRESSION)]),
    );
    const serviceSamples = watched.map(({ service, environment }) => {
      // Each simulated rollout's cohorts are its service's whole traffic; without one, it runs unchanged.
      const live = rollouts.find((r) => r.service.name === service && r.release.environment === environment);
      const cohorts = (live && byRollout.get(live.id)) || draw("", 0, NO_REGRESSION);
      return { ...combineTraffic(cohorts), service, environment };
    });
    // An interval written again (tick() after the timer) draws other random numbers: the stores keep the
    // first ones and report conflicts, which a simulation can ignore. One store failing costs the other
    // nothing: the gates and the SLOs each get their interval.
    const stored = await Promise.allSettled([
      ingestSamples(ctx, [...byRollout.values()].flat()),
      storeServiceSamples(ctx, serviceSamples),
    ]);
    const failed = stored.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
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
