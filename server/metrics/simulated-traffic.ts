import type { CohortSample } from "../domain/metrics/cohort-sample";
import { binomial, gaussian, poisson } from "./random-counts";

export const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] as const;

export interface ServiceProfile {
  requestsPerSecond: number;
  errorRate: number;
  latencyMedianMs: number;
  /** Spread of log-latency; 0.5 is a typical web service. */
  latencySigma: number;
  /** Share of requests that start a conversion (e.g. a checkout), and the share of those that complete. */
  conversionTrialRate: number;
  conversionRate: number;
}

export interface Regression {
  errorMultiplier: number;
  latencyShiftMs: number;
  conversionDrop: number;
}

export const NO_REGRESSION: Regression = { errorMultiplier: 1, latencyShiftMs: 0, conversionDrop: 0 };

/** The drill's bad canary: every gate has something to catch. */
export const BAD_CANARY: Regression = { errorMultiplier: 8, latencyShiftMs: 150, conversionDrop: 0.3 };

/**
 * One interval of simulated traffic for both cohorts: requests split by the exposure, Poisson-like noise
 * on every count, log-normal latencies bucketed like a Prometheus histogram, and an optional regression
 * applied to the canary only. `random` returns uniform [0, 1) numbers, injected so tests are repeatable.
 */
export function simulateInterval(input: {
  rolloutId: string;
  intervalEnd: number;
  intervalSeconds: number;
  exposurePercent: number;
  profile: ServiceProfile;
  regression: Regression;
  random: () => number;
}): CohortSample[] {
  const { profile, random } = input;
  const total = poisson(profile.requestsPerSecond * input.intervalSeconds, random);
  const canaryRequests = binomial(total, input.exposurePercent / 100, random);
  const cohorts: [CohortSample["cohort"], number, Regression][] = [
    ["baseline", total - canaryRequests, NO_REGRESSION],
    ["canary", canaryRequests, input.regression],
  ];
  return cohorts.map(([cohort, requests, regression]) => {
    const errorRate = Math.min(1, profile.errorRate * regression.errorMultiplier);
    const trials = binomial(requests, profile.conversionTrialRate, random);
    const conversionRate = profile.conversionRate * (1 - regression.conversionDrop);
    return {
      rolloutId: input.rolloutId,
      cohort,
      intervalEnd: input.intervalEnd,
      intervalSeconds: input.intervalSeconds,
      requests,
      errors: binomial(requests, errorRate, random),
      latency: latencyHistogram(requests, profile, regression.latencyShiftMs, random),
      conversions: { successes: binomial(trials, conversionRate, random), trials },
    };
  });
}

function latencyHistogram(requests: number, profile: ServiceProfile, shiftMs: number, random: () => number) {
  const counts = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  for (let i = 0; i < requests; i++) {
    const latency = profile.latencyMedianMs * Math.exp(profile.latencySigma * gaussian(random)) + shiftMs;
    const bucket = LATENCY_BOUNDS_MS.findIndex((bound) => latency <= bound);
    const index = bucket === -1 ? LATENCY_BOUNDS_MS.length : bucket;
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return { bounds: [...LATENCY_BOUNDS_MS], counts };
}
