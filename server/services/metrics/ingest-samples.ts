import { AppError } from "../../domain/errors";
import {
  type CohortSample,
  type SeriesPoint,
  sampleProblems,
  toSeriesPoint,
} from "../../domain/metrics/cohort-sample";
import type { ServiceContext } from "../context";

export interface IngestResult {
  stored: number;
  duplicates: number;
}

/**
 * Stores cohort samples. Idempotent per (rollout, cohort, interval end): a retried batch stores nothing
 * twice. A batch with any invalid sample is refused whole, naming the sample index and field.
 */
export async function ingestSamples(ctx: ServiceContext, samples: CohortSample[]): Promise<IngestResult> {
  const problems = samples.flatMap((sample, index) =>
    sampleProblems(sample).map((problem) => `samples[${index}].${problem}`),
  );
  if (problems.length > 0) throw new AppError("BAD_INPUT", problems.join("; "), problems[0]?.split(":")[0]);
  if (samples.length === 0) return { stored: 0, duplicates: 0 };
  const ids = [...new Set(samples.map((s) => s.rolloutId))];
  const known = new Set(
    (await ctx.db.rollout.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id),
  );
  const unknown = samples.findIndex((s) => !known.has(s.rolloutId));
  if (unknown >= 0) {
    const field = `samples[${unknown}].rolloutId`;
    throw new AppError("NOT_FOUND", `${field}: no rollout with id ${samples[unknown]?.rolloutId}`, field);
  }
  const created = await ctx.db.metricSample.createManyAndReturn({
    data: samples.map((s) => ({
      rolloutId: s.rolloutId,
      cohort: s.cohort,
      intervalEnd: new Date(s.intervalEnd),
      intervalSeconds: s.intervalSeconds,
      requests: s.requests,
      errors: s.errors,
      latencyBoundsMs: [...s.latency.bounds],
      latencyCounts: [...s.latency.counts],
      conversionSuccesses: s.conversions?.successes ?? null,
      conversionTrials: s.conversions?.trials ?? null,
    })),
    skipDuplicates: true,
    select: { rolloutId: true, cohort: true, intervalEnd: true },
  });
  const storedKeys = new Set(
    created.map((row) => `${row.rolloutId}|${row.cohort}|${row.intervalEnd.getTime()}`),
  );
  const stored = samples.filter((s) => storedKeys.has(`${s.rolloutId}|${s.cohort}|${s.intervalEnd}`));
  const pointsByRollout = new Map<string, SeriesPoint[]>();
  for (const sample of stored) {
    const points = pointsByRollout.get(sample.rolloutId) ?? [];
    points.push(toSeriesPoint(sample));
    pointsByRollout.set(sample.rolloutId, points);
  }
  for (const [rolloutId, points] of pointsByRollout)
    ctx.events.publish("samples.ingested", { rolloutId, points });
  return { stored: stored.length, duplicates: samples.length - stored.length };
}
