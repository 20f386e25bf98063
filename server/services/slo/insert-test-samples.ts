import type { Db } from "../../db/client";

const BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

export interface TestSample {
  /** Epoch ms of the interval end. */
  at: number;
  requests: number;
  errors: number;
  /** Requests in (100, 250] ms: good for a 250 ms threshold, as the bound itself is good. */
  at250?: number;
  /** Requests in (500, 1000] ms; the rest fall in (50, 100]. */
  slow?: number;
}

/** Test data: writes baseline samples for a rollout straight into MetricSample (hand-computed counts). */
export async function insertTestSamples(db: Db, rolloutId: string, samples: TestSample[]): Promise<void> {
  await db.metricSample.createMany({
    data: samples.map((s) => {
      const counts = BOUNDS_MS.map(() => 0).concat(0);
      counts[5] = s.at250 ?? 0;
      counts[7] = s.slow ?? 0;
      counts[4] = s.requests - counts[5] - counts[7];
      return {
        rolloutId,
        cohort: "baseline",
        intervalEnd: new Date(s.at),
        intervalSeconds: 10,
        requests: s.requests,
        errors: s.errors,
        latencyBoundsMs: BOUNDS_MS,
        latencyCounts: counts,
      };
    }),
  });
}
