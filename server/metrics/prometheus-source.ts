import type { CohortSample } from "../domain/metrics/cohort-sample";
import { eachLimited } from "../each-limited";
import { countMetricSourcePoll } from "../observability/sluice-metrics";
import type { ServiceContext } from "../services/context";
import { ingestSamples } from "../services/metrics/ingest-samples";
import { startIntervalLoop } from "./interval-loop";
import { queryInstant, type VectorElement } from "./prometheus-api";
import { type PrometheusQueries, renderQuery } from "./prometheus-queries";
import { type IntervalResults, toCohortCounts } from "./prometheus-samples";

export interface PrometheusPollerOptions {
  url: string;
  intervalSeconds: number;
  timeoutMs: number;
  queries: PrometheusQueries;
  log: (line: string) => void;
  /** Query sets (one per distinct rendering, see `prometheus-queries.ts`) run at once. */
  concurrency?: number;
}

export interface PrometheusSourceOptions extends PrometheusPollerOptions {
  /** How long after an interval's end to query it, so its last scrapes are in. */
  queryDelaySeconds: number;
}

/** Which live rollout an entry of a poll report concerns. */
export interface PolledRollout {
  rolloutId: string;
  service: string;
  environment: string;
}

/** What one poll did, for logs and tests. One entry per rollout, even where rollouts shared a query. */
export interface PollReport {
  intervalEnd: number;
  stored: number;
  /** The samples read and passed to ingest (stored, or already there: see `conflicts`). */
  samples: CohortSample[];
  /** Samples of an interval already stored with other values (read again): the stored ones stand. */
  conflicts: (PolledRollout & { cohort: string; fields: string[] })[];
  /** Rollouts' cohorts that got no sample because Prometheus had no usable data for them. */
  missing: (PolledRollout & { cohort: string; reason: string })[];
  /** Rollouts whose queries failed (Prometheus down, slow or refusing) or whose samples were refused. */
  failures: (PolledRollout & { error: string })[];
}

export interface PrometheusPoller {
  /** Queries one interval (ending at `intervalEnd`, epoch ms) for every running or paused rollout. */
  poll(intervalEnd: number): Promise<PollReport>;
}

/**
 * Every interval, shortly after it ends, polls it (below). Interval ends are aligned to the clock, so
 * several instances, or a restarted one, name the same interval and `ingestSamples` stores it once.
 */
export function startPrometheusSource(ctx: ServiceContext, options: PrometheusSourceOptions) {
  const { poll } = createPrometheusPoller(ctx, options);
  return startIntervalLoop({
    now: () => ctx.now(),
    intervalSeconds: options.intervalSeconds,
    delaySeconds: options.queryDelaySeconds,
    run: poll,
    onError: (error) => options.log(`prometheus: ${(error as Error).message}`),
  });
}

/**
 * Asks Prometheus, for each live rollout, what both cohorts did in one interval and writes
 * the samples through `ingestSamples`. Whatever goes wrong (Prometheus down or slow, empty or NaN
 * results) costs that interval's sample, never the process: the gates read a missing sample as an
 * outage, which is never a pass.
 */
export function createPrometheusPoller(
  ctx: ServiceContext,
  options: PrometheusPollerOptions,
): PrometheusPoller {
  async function poll(intervalEnd: number): Promise<PollReport> {
    const rows = await ctx.db.rollout.findMany({
      where: { state: { in: ["running", "paused"] } },
      select: { id: true, service: { select: { name: true } }, release: { select: { environment: true } } },
    });
    // Rollouts share a query only when it reads the same series for all of them.
    const byQueries = new Map<string, { queries: QuerySet; rollouts: PolledRollout[] }>();
    for (const row of rows) {
      const rollout = { rolloutId: row.id, service: row.service.name, environment: row.release.environment };
      const queries = renderQueries(rollout);
      const key = JSON.stringify(queries);
      const group = byQueries.get(key) ?? { queries, rollouts: [] };
      group.rollouts.push(rollout);
      byQueries.set(key, group);
    }
    const report: PollReport = {
      intervalEnd,
      stored: 0,
      samples: [],
      conflicts: [],
      missing: [],
      failures: [],
    };
    await eachLimited([...byQueries.values()], options.concurrency ?? 4, async ({ queries, rollouts }) => {
      let results: IntervalResults;
      try {
        results = await queryInterval(queries, intervalEnd);
      } catch (error) {
        for (const r of rollouts) report.failures.push({ ...r, error: (error as Error).message });
        return;
      }
      const { samples, skipped } = toCohortCounts(results);
      for (const rollout of rollouts) {
        for (const s of skipped) report.missing.push({ ...rollout, ...s });
        const batch: CohortSample[] = samples.map((counts) => ({
          ...counts,
          rolloutId: rollout.rolloutId,
          intervalEnd,
          intervalSeconds: options.intervalSeconds,
        }));
        try {
          // Awaited before the +=, which would otherwise add to a total read before other groups' adds.
          const { stored, conflictDetails } = await ingestSamples(ctx, batch);
          report.stored += stored;
          report.samples.push(...batch);
          // An interval read again (a run repeated, two instances, templates changed) returns other numbers:
          // late scrapes, increase()'s extrapolation. The first reading is what the gates judged and stays;
          // the second is no failure and not logged (routine drift would be noise), only reported here.
          for (const { index, fields } of conflictDetails) {
            report.conflicts.push({ ...rollout, cohort: batch[index]?.cohort ?? "?", fields });
          }
        } catch (error) {
          report.failures.push({ ...rollout, error: `ingest: ${(error as Error).message}` });
        }
      }
    });
    countMetricSourcePoll("prometheus", report.failures.length > 0 ? "failed" : "ok");
    if (report.failures.length > 0) {
      options.log(
        `prometheus: no samples for interval ending ${new Date(intervalEnd).toISOString()}: ${describeFailures(report.failures)}`,
      );
    }
    return report;
  }

  function renderQueries(rollout: PolledRollout): QuerySet {
    const values = { ...rollout, intervalSeconds: options.intervalSeconds };
    const { errors, latencyBuckets, conversionSuccesses, conversionTrials } = options.queries;
    return {
      errors: renderQuery(errors, values),
      latencyBuckets: renderQuery(latencyBuckets, values),
      conversions:
        conversionSuccesses && conversionTrials
          ? {
              successes: renderQuery(conversionSuccesses, values),
              trials: renderQuery(conversionTrials, values),
            }
          : null,
    };
  }

  async function queryInterval(queries: QuerySet, intervalEnd: number): Promise<IntervalResults> {
    const query = (promql: string): Promise<VectorElement[]> =>
      queryInstant(options.url, promql, { timeMs: intervalEnd, timeoutMs: options.timeoutMs });
    const [errors, latencyBuckets, successes, trials] = await Promise.all([
      query(queries.errors),
      query(queries.latencyBuckets),
      queries.conversions ? query(queries.conversions.successes) : null,
      queries.conversions ? query(queries.conversions.trials) : null,
    ]);
    return { errors, latencyBuckets, conversions: successes && trials ? { successes, trials } : null };
  }

  return { poll };
}

/** One rollout's rendered PromQL. */
interface QuerySet {
  errors: string;
  latencyBuckets: string;
  conversions: { successes: string; trials: string } | null;
}

/** One clause per error, naming the rollouts it cost (rollouts sharing a query share its error). */
function describeFailures(failures: PollReport["failures"]): string {
  const byError = new Map<string, string[]>();
  for (const f of failures) {
    byError.set(f.error, [...(byError.get(f.error) ?? []), `${f.service}/${f.environment} (${f.rolloutId})`]);
  }
  return [...byError].map(([error, rollouts]) => `${rollouts.join(", ")}: ${error}`).join("; ");
}
