import { AppError } from "../../domain/errors";
import {
  type CohortSample,
  type SeriesPoint,
  sampleProblems,
  toSeriesPoint,
} from "../../domain/metrics/cohort-sample";
import type { ServiceContext } from "../context";
import { type InsertedSampleKey, insertSampleRows } from "./insert-sample-rows";

export interface IngestResult {
  stored: number;
  duplicates: number;
  /** The batch indexes not stored because that (rollout, cohort, interval end) was already there. */
  duplicateIndexes: number[];
}

/**
 * Stores cohort samples. Idempotent per (rollout, cohort, interval end): a retried batch stores nothing
 * twice. A batch with any invalid sample is refused whole, naming the sample index and field. The whole
 * batch costs two statements (its rollouts looked up once, one multi-row insert), whatever its size.
 */
export async function ingestSamples(ctx: ServiceContext, samples: CohortSample[]): Promise<IngestResult> {
  const now = ctx.now().getTime();
  const problems = samples.flatMap((sample, index) =>
    sampleProblems(sample, now).map((problem) => `samples[${index}].${problem}`),
  );
  if (problems.length > 0) throw new AppError("BAD_INPUT", problems.join("; "), problems[0]?.split(":")[0]);
  if (samples.length === 0) return { stored: 0, duplicates: 0, duplicateIndexes: [] };
  const ids = [...new Set(samples.map((s) => s.rolloutId))];
  const known = new Set(
    (await ctx.db.rollout.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id),
  );
  const unknown = samples.findIndex((s) => !known.has(s.rolloutId));
  if (unknown >= 0) {
    const field = `samples[${unknown}].rolloutId`;
    throw new AppError("NOT_FOUND", `${field}: no rollout with id ${samples[unknown]?.rolloutId}`, field);
  }
  const inserted = new Set((await insertSampleRows(ctx.db, samples)).map(sampleKey));
  // A key repeated within the batch is inserted once: its first occurrence counts as the stored one.
  const storedIndexes: number[] = [];
  const duplicateIndexes: number[] = [];
  samples.forEach((sample, index) => {
    const key = sampleKey(sample);
    if (inserted.delete(key)) storedIndexes.push(index);
    else duplicateIndexes.push(index);
  });
  publishIngested(
    ctx,
    storedIndexes.map((index) => samples[index] as CohortSample),
  );
  return { stored: storedIndexes.length, duplicates: duplicateIndexes.length, duplicateIndexes };
}

function sampleKey(sample: InsertedSampleKey): string {
  return `${sample.rolloutId}|${sample.cohort}|${sample.intervalEnd}`;
}

/** One event per rollout with its new points: charts draw them, and the engine judges the rollout. */
function publishIngested(ctx: ServiceContext, stored: CohortSample[]): void {
  const pointsByRollout = new Map<string, SeriesPoint[]>();
  for (const sample of stored) {
    const points = pointsByRollout.get(sample.rolloutId) ?? [];
    points.push(toSeriesPoint(sample));
    pointsByRollout.set(sample.rolloutId, points);
  }
  for (const [rolloutId, points] of pointsByRollout)
    ctx.events.publish("samples.ingested", { rolloutId, points });
}
