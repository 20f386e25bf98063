import { AppError } from "../../domain/errors";
import {
  type CohortSample,
  cohortOf,
  type SeriesPoint,
  toSeriesPoint,
} from "../../domain/metrics/cohort-sample";
import type { ServiceContext } from "../context";
import { COHORT_ROWS, sampleRows } from "./insert-sample-rows";
import { type IngestResult, refuseInvalidSamples, storeOnce } from "./store-once";

/**
 * Stores cohort samples. Idempotent per (rollout, cohort, interval end): a retried batch stores nothing
 * twice. A sample whose key is already stored with other values (a "corrected" resend, or a source that
 * read the interval again) is not stored either, since the stored one may already have been judged and
 * audited, but it is reported as a conflict naming the differing fields, never as a duplicate. A batch
 * with any invalid sample is refused whole, naming the sample index and field. A batch of new samples
 * costs two statements (its rollouts looked up once, one multi-row insert), whatever its size; one with
 * samples already there, a third reading those back to compare.
 */
export async function ingestSamples(ctx: ServiceContext, samples: CohortSample[]): Promise<IngestResult> {
  refuseInvalidSamples(samples, ctx.now());
  const ids = [...new Set(samples.map((s) => s.rolloutId))];
  const known = new Set(
    (await ctx.db.rollout.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id),
  );
  const unknown = samples.findIndex((s) => !known.has(s.rolloutId));
  if (unknown >= 0) {
    const field = `samples[${unknown}].rolloutId`;
    throw new AppError("NOT_FOUND", `${field}: no rollout with id ${samples[unknown]?.rolloutId}`, field);
  }
  const result = await storeOnce(samples, {
    kind: "cohort",
    whose: cohortOf,
    ...sampleRows(ctx.db, COHORT_ROWS),
  });
  publishIngested(
    ctx,
    result.storedIndexes.map((index) => samples[index] as CohortSample),
  );
  return result;
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
