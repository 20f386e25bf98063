import type { Prisma } from "../../db/client";
import type { CohortSample } from "../../domain/metrics/cohort-sample";

/** The stored columns of a metric sample that analysis and charts read. */
export const sampleRowSelect = {
  rolloutId: true,
  cohort: true,
  intervalEnd: true,
  intervalSeconds: true,
  requests: true,
  errors: true,
  latencyBoundsMs: true,
  latencyCounts: true,
  conversionSuccesses: true,
  conversionTrials: true,
} satisfies Prisma.MetricSampleSelect;

type SampleRow = Prisma.MetricSampleGetPayload<{ select: typeof sampleRowSelect }>;

export function toCohortSample(row: SampleRow): CohortSample {
  return {
    rolloutId: row.rolloutId,
    cohort: row.cohort as CohortSample["cohort"],
    intervalEnd: row.intervalEnd.getTime(),
    intervalSeconds: row.intervalSeconds,
    requests: row.requests,
    errors: row.errors,
    latency: { bounds: row.latencyBoundsMs, counts: row.latencyCounts },
    conversions:
      row.conversionTrials === null
        ? null
        : { successes: row.conversionSuccesses ?? 0, trials: row.conversionTrials },
  };
}
