import { type Db, Prisma } from "../../db/client";
import { sqlEpochMs, sqlTimestamp } from "../../db/sql-timestamp";
import type { CohortSample } from "../../domain/metrics/cohort-sample";

/** One sample as the query below builds it: a JSON array, positions as in the SELECT. */
type SampleTuple = [
  cohort: CohortSample["cohort"],
  intervalEndMs: number,
  intervalSeconds: number,
  requests: number,
  errors: number,
  latencyBoundsMs: number[],
  latencyCounts: number[],
  conversionSuccesses: number | null,
  conversionTrials: number | null,
];

/**
 * A rollout's samples with an interval ending after `afterMs` (epoch ms), oldest first. The rows come
 * back as one JSON text decoded by JSON.parse: Prisma's row mapping, and the parsing of the two
 * histogram arrays per row, cost ~4× as much CPU (2.3 ms against 0.6 ms for a step of 60 samples),
 * paid by the engine for every holding rollout with new samples and by every chart load.
 */
export async function loadSamples(db: Db, rolloutId: string, afterMs = 0): Promise<CohortSample[]> {
  const [row] = await db.$queryRaw<{ samples: string | null }[]>`
    SELECT json_agg(json_build_array("cohort", ${sqlEpochMs(Prisma.sql`"intervalEnd"`)},
      "intervalSeconds", "requests", "errors", "latencyBoundsMs", "latencyCounts", "conversionSuccesses",
      "conversionTrials") ORDER BY "intervalEnd", "cohort")::text AS samples
    FROM "MetricSample"
    WHERE "rolloutId" = ${rolloutId}
      AND "intervalEnd" > ${sqlTimestamp(afterMs)}`;
  const tuples: SampleTuple[] = JSON.parse(row?.samples ?? "[]");
  return tuples.map(
    ([cohort, intervalEnd, intervalSeconds, requests, errors, bounds, counts, successes, trials]) => ({
      rolloutId,
      cohort,
      intervalEnd,
      intervalSeconds,
      requests,
      errors,
      latency: { bounds, counts },
      conversions: trials === null ? null : { successes: successes ?? 0, trials },
    }),
  );
}
