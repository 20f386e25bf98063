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
  /** Services queried at once. */
  concurrency?: number;
}

export interface PrometheusSourceOptions extends PrometheusPollerOptions {
  /** How long after an interval's end to query it, so its last scrapes are in. */
  queryDelaySeconds: number;
}

/** What one poll did, for logs and tests. */
export interface PollReport {
  intervalEnd: number;
  stored: number;
  /** The samples written. */
  samples: CohortSample[];
  /** Cohorts that got no sample because Prometheus had no usable data for them. */
  missing: { service: string; cohort: string; reason: string }[];
  /** Services whose queries failed (Prometheus down, slow or refusing): no sample at all. */
  failures: { service: string; error: string }[];
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
 * Asks Prometheus, for each live rollout's service, what both cohorts did in one interval and writes
 * the samples through `ingestSamples`. Whatever goes wrong (Prometheus down or slow, empty or NaN
 * results) costs that interval's sample, never the process: the gates read a missing sample as an
 * outage, which is never a pass.
 */
export function createPrometheusPoller(
  ctx: ServiceContext,
  options: PrometheusPollerOptions,
): PrometheusPoller {
  async function poll(intervalEnd: number): Promise<PollReport> {
    const rollouts = await ctx.db.rollout.findMany({
      where: { state: { in: ["running", "paused"] } },
      select: { id: true, service: { select: { name: true } } },
    });
    const byService = new Map<string, { id: string }[]>();
    for (const r of rollouts) byService.set(r.service.name, [...(byService.get(r.service.name) ?? []), r]);
    const report: PollReport = { intervalEnd, stored: 0, samples: [], missing: [], failures: [] };
    await eachLimited([...byService], options.concurrency ?? 4, async ([service, serviceRollouts]) => {
      let results: IntervalResults;
      try {
        results = await queryInterval(service, serviceRollouts[0]?.id ?? "", intervalEnd);
      } catch (error) {
        report.failures.push({ service, error: (error as Error).message });
        return;
      }
      const { samples, skipped } = toCohortCounts(results);
      for (const s of skipped) report.missing.push({ service, ...s });
      for (const rollout of serviceRollouts) {
        const batch: CohortSample[] = samples.map((counts) => ({
          ...counts,
          rolloutId: rollout.id,
          intervalEnd,
          intervalSeconds: options.intervalSeconds,
        }));
        try {
          report.stored += (await ingestSamples(ctx, batch)).stored;
          report.samples.push(...batch);
        } catch (error) {
          report.failures.push({ service, error: `ingest: ${(error as Error).message}` });
        }
      }
    });
    countMetricSourcePoll("prometheus", report.failures.length > 0 ? "failed" : "ok");
    if (report.failures.length > 0) {
      const failures = report.failures.map((f) => `${f.service}: ${f.error}`).join("; ");
      options.log(
        `prometheus: no samples for interval ending ${new Date(intervalEnd).toISOString()}: ${failures}`,
      );
    }
    return report;
  }

  async function queryInterval(service: string, rolloutId: string, intervalEnd: number) {
    const query = async (template: string): Promise<VectorElement[]> =>
      queryInstant(
        options.url,
        renderQuery(template, { service, rolloutId, intervalSeconds: options.intervalSeconds }),
        { timeMs: intervalEnd, timeoutMs: options.timeoutMs },
      );
    const { conversionSuccesses, conversionTrials } = options.queries;
    const [errors, latencyBuckets, successes, trials] = await Promise.all([
      query(options.queries.errors),
      query(options.queries.latencyBuckets),
      conversionSuccesses ? query(conversionSuccesses) : null,
      conversionTrials ? query(conversionTrials) : null,
    ]);
    return { errors, latencyBuckets, conversions: successes && trials ? { successes, trials } : null };
  }

  return { poll };
}
