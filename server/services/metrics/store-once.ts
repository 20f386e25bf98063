import { AppError } from "../../domain/errors";
import {
  describeSampleConflict,
  type IntervalTraffic,
  sampleDifferences,
  sampleProblems,
} from "../../domain/metrics/cohort-sample";
import { countSampleConflicts } from "../../observability/sluice-metrics";

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

/** Refuses the whole batch when any sample is invalid, naming each `samples[i].field` (BAD_INPUT). */
export function refuseInvalidSamples(samples: readonly IntervalTraffic[], now: Date): void {
  const problems = samples.flatMap((sample, index) =>
    sampleProblems(sample, now.getTime()).map((problem) => `samples[${index}].${problem}`),
  );
  if (problems.length > 0) throw new AppError("BAD_INPUT", problems.join("; "), problems[0]?.split(":")[0]);
}

/** How one kind of sample is keyed, named, stored and read back. */
export interface SampleTable<S extends IntervalTraffic> {
  kind: "cohort" | "service";
  key(sample: S): string;
  /** Whose traffic it is, for messages: "canary (rollout r1)". */
  whose(sample: S): string;
  /** Inserts in one statement, skipping keys already there; returns the stored samples' keys. */
  insert(samples: readonly S[]): Promise<string[]>;
  /** The stored samples under these samples' keys (those present). */
  load(samples: readonly S[]): Promise<S[]>;
}

/**
 * Stores valid samples once per key. A sample whose key is already stored with other values (a corrected
 * resend, a source reading the interval again) is not stored either, since the stored one may already have
 * been judged, but it is reported as a conflict naming the differing fields, never as a duplicate.
 */
export async function storeOnce<S extends IntervalTraffic>(
  samples: readonly S[],
  table: SampleTable<S>,
): Promise<IngestResult> {
  if (samples.length === 0) return classified([], [], []);
  const inserted = new Set(await table.insert(samples));
  // A key repeated within the batch is inserted once: its first occurrence counts as the stored one.
  const storedIndexes: number[] = [];
  const storedBy = new Map<string, number>();
  const notStored: number[] = [];
  samples.forEach((sample, index) => {
    const key = table.key(sample);
    if (inserted.delete(key)) {
      storedIndexes.push(index);
      storedBy.set(key, index);
    } else notStored.push(index);
  });
  // Read back after the insert, which waited for any concurrent insert of the same key to commit.
  const stored = new Map(
    (await table.load(notStored.map((index) => samples[index] as S))).map((row) => [table.key(row), row]),
  );
  const duplicateIndexes: number[] = [];
  const conflicts: SampleConflict[] = [];
  for (const index of notStored) {
    const sample = samples[index] as S;
    const key = table.key(sample);
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
      message: `samples[${index}]: ${describeSampleConflict(sample, table.whose(sample), differences, storedFrom)}`,
    });
  }
  countSampleConflicts(table.kind, conflicts.length);
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
