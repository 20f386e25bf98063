import { AppError } from "../../domain/errors";
import {
  type CohortSample,
  describeSampleConflict,
  type SeriesPoint,
  sampleDifferences,
  sampleProblems,
  toSeriesPoint,
} from "../../domain/metrics/cohort-sample";
import type { ServiceContext } from "../context";
import { type InsertedSampleKey, insertSampleRows, loadSampleRows } from "./insert-sample-rows";

/** A valid sample not stored because its key holds a sample with other values. */
export interface SampleConflict {
  /** Its index in the batch. */
  index: number;
  /** The fields that differ from the stored sample, e.g. ["requests", "latency.counts"]. */
  fields: string[];
  /** "samples[i]: interval ending … of canary (rollout …) already stored with other values (sent ≠ stored: …)" */
  message: string;
}

/** Every index of the batch is in exactly one of storedIndexes, duplicateIndexes and conflictIndexes. */
export interface IngestResult {
  stored: number;
  storedIndexes: number[];
  duplicates: number;
  /** The batch indexes not stored because the same sample (key and values) was already there. */
  duplicateIndexes: number[];
  conflicts: number;
  /** The batch indexes not stored because their key was already there with other values. */
  conflictIndexes: number[];
  /** Per conflicting index, the fields that differ and a message naming the key and both values. */
  conflictDetails: SampleConflict[];
}

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
  const now = ctx.now().getTime();
  const problems = samples.flatMap((sample, index) =>
    sampleProblems(sample, now).map((problem) => `samples[${index}].${problem}`),
  );
  if (problems.length > 0) throw new AppError("BAD_INPUT", problems.join("; "), problems[0]?.split(":")[0]);
  if (samples.length === 0) return classified([], [], []);
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
  const storedBy = new Map<string, number>();
  const notStored: number[] = [];
  samples.forEach((sample, index) => {
    const key = sampleKey(sample);
    if (inserted.delete(key)) {
      storedIndexes.push(index);
      storedBy.set(key, index);
    } else notStored.push(index);
  });
  publishIngested(
    ctx,
    storedIndexes.map((index) => samples[index] as CohortSample),
  );
  // Read back after the insert, which waited for any concurrent insert of the same key to commit.
  const stored = new Map(
    (
      await loadSampleRows(
        ctx.db,
        notStored.map((index) => samples[index] as CohortSample),
      )
    ).map((row) => [sampleKey(row), row]),
  );
  const duplicateIndexes: number[] = [];
  const conflicts: SampleConflict[] = [];
  for (const index of notStored) {
    const sample = samples[index] as CohortSample;
    const key = sampleKey(sample);
    const row = stored.get(key);
    const differences = row ? sampleDifferences(sample, row) : [];
    // No row: gone since the insert found it (its rollout deleted), so nothing to differ from.
    if (differences.length === 0) {
      duplicateIndexes.push(index);
      continue;
    }
    const by = storedBy.get(key);
    const storedFrom = by === undefined ? undefined : `samples[${by}] of this batch`;
    conflicts.push({
      index,
      fields: differences.map((d) => d.field),
      message: `samples[${index}]: ${describeSampleConflict(sample, differences, storedFrom)}`,
    });
  }
  return classified(storedIndexes, duplicateIndexes, conflicts);
}

function classified(
  storedIndexes: number[],
  duplicateIndexes: number[],
  conflictDetails: SampleConflict[],
): IngestResult {
  return {
    stored: storedIndexes.length,
    storedIndexes,
    duplicates: duplicateIndexes.length,
    duplicateIndexes,
    conflicts: conflictDetails.length,
    conflictIndexes: conflictDetails.map((c) => c.index),
    conflictDetails,
  };
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
