import type { Db } from "../../db/client";
import type { CohortSample } from "../../domain/metrics/cohort-sample";

/** The key of a sample row that one insert stored. */
export interface InsertedSampleKey {
  rolloutId: string;
  cohort: string;
  /** Epoch ms. */
  intervalEnd: number;
}

/**
 * Writes valid samples of existing rollouts with ONE multi-row INSERT … ON CONFLICT DO NOTHING, and
 * returns the keys it stored: a key already present (a retried batch) is skipped, never counted twice.
 * Raw SQL because Prisma's createManyAndReturn spent ~70 ms per 100 rows in the JS query engine, the
 * bottleneck of ingest. The rows travel as ten column arrays unnested by the server: ten parameters
 * whatever the batch size, and one statement, so the batch is stored whole or not at all.
 */
export async function insertSampleRows(
  db: Db,
  samples: readonly CohortSample[],
): Promise<InsertedSampleKey[]> {
  if (samples.length === 0) return [];
  const column = <T>(pick: (s: CohortSample) => T) => samples.map(pick);
  // Arrays of arrays cannot be unnested row by row, so each histogram travels as an array literal.
  const literal = (values: readonly number[]) => `{${values.join(",")}}`;
  const rows = await db.$queryRaw<{ rolloutId: string; cohort: string; intervalEndMs: bigint }[]>`
    INSERT INTO "MetricSample" ("rolloutId", "cohort", "intervalEnd", "intervalSeconds", "requests", "errors",
      "latencyBoundsMs", "latencyCounts", "conversionSuccesses", "conversionTrials")
    SELECT "rolloutId", "cohort", timestamp 'epoch' + "intervalEndMs" * interval '1 millisecond', "intervalSeconds",
      "requests", "errors", "bounds"::double precision[], "counts"::integer[], "successes", "trials"
    FROM unnest(${column((s) => s.rolloutId)}::text[], ${column((s) => s.cohort)}::text[],
      ${column((s) => s.intervalEnd)}::bigint[], ${column((s) => s.intervalSeconds)}::integer[],
      ${column((s) => s.requests)}::integer[], ${column((s) => s.errors)}::integer[],
      ${column((s) => literal(s.latency.bounds))}::text[], ${column((s) => literal(s.latency.counts))}::text[],
      ${column((s) => s.conversions?.successes ?? null)}::integer[],
      ${column((s) => s.conversions?.trials ?? null)}::integer[])
      AS input("rolloutId", "cohort", "intervalEndMs", "intervalSeconds", "requests", "errors", "bounds",
        "counts", "successes", "trials")
    ON CONFLICT ("rolloutId", "cohort", "intervalEnd") DO NOTHING
    RETURNING "rolloutId", "cohort", (extract(epoch FROM "intervalEnd") * 1000)::bigint AS "intervalEndMs"`;
  return rows.map((row) => ({
    rolloutId: row.rolloutId,
    cohort: row.cohort,
    intervalEnd: Number(row.intervalEndMs),
  }));
}

/**
 * The stored samples of the given keys (those present), for comparing a resend with what it did not
 * replace. One statement through the unique (rollout, cohort, interval end) index, whatever the count.
 */
export async function loadSampleRows(db: Db, keys: readonly InsertedSampleKey[]): Promise<CohortSample[]> {
  if (keys.length === 0) return [];
  const rows = await db.$queryRaw<
    {
      rolloutId: string;
      cohort: CohortSample["cohort"];
      intervalEndMs: bigint;
      intervalSeconds: number;
      requests: number;
      errors: number;
      latencyBoundsMs: number[];
      latencyCounts: number[];
      conversionSuccesses: number | null;
      conversionTrials: number | null;
    }[]
  >`
    SELECT "rolloutId", "cohort", (extract(epoch FROM "intervalEnd") * 1000)::bigint AS "intervalEndMs",
      "intervalSeconds", "requests", "errors", "latencyBoundsMs", "latencyCounts", "conversionSuccesses",
      "conversionTrials"
    FROM "MetricSample"
    WHERE ("rolloutId", "cohort", "intervalEnd") IN (
      SELECT "rolloutId", "cohort", timestamp 'epoch' + "intervalEndMs" * interval '1 millisecond'
      FROM unnest(${keys.map((k) => k.rolloutId)}::text[], ${keys.map((k) => k.cohort)}::text[],
        ${keys.map((k) => k.intervalEnd)}::bigint[]) AS input("rolloutId", "cohort", "intervalEndMs"))`;
  return rows.map((row) => ({
    rolloutId: row.rolloutId,
    cohort: row.cohort,
    intervalEnd: Number(row.intervalEndMs),
    intervalSeconds: row.intervalSeconds,
    requests: row.requests,
    errors: row.errors,
    latency: { bounds: row.latencyBoundsMs, counts: row.latencyCounts },
    conversions:
      row.conversionTrials === null
        ? null
        : { successes: row.conversionSuccesses ?? 0, trials: row.conversionTrials },
  }));
}
