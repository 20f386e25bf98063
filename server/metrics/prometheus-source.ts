import type { CohortSample, ServiceSample } from "../domain/metrics/cohort-sample";
import { eachLimited } from "../each-limited";
import { countMetricSourcePoll } from "../observability/sluice-metrics";
import type { ServiceContext } from "../services/context";
import { ingestSamples } from "../services/metrics/ingest-samples";
import { storeServiceSamples } from "../services/metrics/store-service-samples";
import { listWatchedEnvironments } from "../services/slo/list-watched-environments";
import { startIntervalLoop } from "./interval-loop";
import { queryInstant, type VectorElement } from "./prometheus-api";
import {
  groupByQueries,
  type PrometheusQueries,
  type QueryGroup,
  type QuerySet,
  refuseMixedEnvironments,
  renderQuerySet,
  rolloutTemplateKeys,
  serviceQueries,
  serviceTemplateKeys,
} from "./prometheus-queries";
import { type IntervalResults, toCohortCounts, toServiceCounts } from "./prometheus-samples";

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

/** A service environment that an SLO watches. */
export interface PolledService {
  service: string;
  environment: string;
}

/**
 * What one poll did, for logs and tests. One entry per rollout (or service environment), even where
 * several shared a query.
 */
export interface PollReport {
  intervalEnd: number;
  stored: number;
  /** The samples read and passed to ingest (stored, or already there: see `conflicts`). */
  samples: CohortSample[];
  /** Samples of an interval already stored with other values (read again): the stored ones stand. */
  conflicts: (PolledRollout & { cohort: string; fields: string[] })[];
  /** Rollouts' cohorts that got no sample because Prometheus had no usable data for them. */
  missing: (PolledRollout & { cohort: string; reason: string })[];
  /**
   * Rollouts whose queries failed (Prometheus down, slow or refusing), would read another environment's
   * series too (not queried), or whose samples were refused.
   */
  failures: (PolledRollout & { error: string })[];
  /** The whole traffic of every service environment an SLO watches (what the SLOs judge). */
  services: {
    /** How many samples were new. */
    stored: number;
    /** The samples read and passed to `storeServiceSamples` (stored, or already there: see `conflicts`). */
    samples: ServiceSample[];
    /** Samples of an interval already stored with other values (read again): the stored ones stand. */
    conflicts: (PolledService & { fields: string[] })[];
    /** Service environments without usable data (no series, NaN): no sample, the SLO sees no traffic. */
    missing: (PolledService & { reason: string })[];
    /** Service environments whose queries failed, would read another environment's too, or were refused. */
    failures: (PolledService & { error: string })[];
  };
}

export interface PrometheusPoller {
  /**
   * Queries one interval (ending at `intervalEnd`, epoch ms) for every running or paused rollout, and
   * for the whole traffic of every service environment an SLO watches.
   */
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
 * the samples through `ingestSamples`; and for each service environment an SLO watches, what the
 * service did as a whole, written through `storeServiceSamples`, so SLOs see traffic after every rollout
 * has ended. Whatever goes wrong (Prometheus down or slow, empty or NaN results) costs that interval's
 * sample, never the process: the gates read a missing sample as an outage, which is never a pass.
 */
export function createPrometheusPoller(
  ctx: ServiceContext,
  options: PrometheusPollerOptions,
): PrometheusPoller {
  async function poll(intervalEnd: number): Promise<PollReport> {
    const [rows, watched] = await Promise.all([
      ctx.db.rollout.findMany({
        where: { state: { in: ["running", "paused"] } },
        select: { id: true, service: { select: { name: true } }, release: { select: { environment: true } } },
      }),
      listWatchedEnvironments(ctx.db),
    ]);
    const live = rows.map((row) => ({
      rolloutId: row.id,
      service: row.service.name,
      environment: row.release.environment,
    }));
    const rollouts = refuseMixedEnvironments(
      groupByQueries(live, renderQueries),
      rolloutTemplateKeys,
      "rollout",
    );
    const services = refuseMixedEnvironments(
      groupByQueries(watched, renderServiceQueries),
      serviceTemplateKeys,
      "service",
    );
    const report: PollReport = {
      intervalEnd,
      stored: 0,
      samples: [],
      conflicts: [],
      missing: [],
      failures: rollouts.refused,
      services: { stored: 0, samples: [], conflicts: [], missing: [], failures: services.refused },
    };
    const work = [
      ...rollouts.groups.map((group) => () => pollRollouts(group, intervalEnd, report)),
      ...services.groups.map((group) => () => pollServices(group, intervalEnd, report)),
    ];
    await eachLimited(work, options.concurrency ?? 4, (run) => run());
    const { failures, missing } = report.services;
    countMetricSourcePoll("prometheus", report.failures.length + failures.length > 0 ? "failed" : "ok");
    // A rollout's missing cohort shows as an outage in its gates; nothing shows a service's missing
    // sample (its SLOs read no traffic for the interval), so that is logged too.
    const problems = describeProblems([
      ...report.failures.map((f) => ({
        who: `${f.service}/${f.environment} (${f.rolloutId})`,
        problem: f.error,
      })),
      ...[...failures, ...missing].map((s) => ({
        who: `whole traffic of ${s.service}/${s.environment}`,
        problem: "error" in s ? s.error : s.reason,
      })),
    ]);
    if (problems) {
      options.log(
        `prometheus: no samples for interval ending ${new Date(intervalEnd).toISOString()}: ${problems}`,
      );
    }
    return report;
  }

  async function pollRollouts(
    { queries, members: rollouts }: QueryGroup<PolledRollout>,
    intervalEnd: number,
    report: PollReport,
  ): Promise<void> {
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
  }

  async function pollServices(
    { queries, members: services }: QueryGroup<PolledService>,
    intervalEnd: number,
    report: PollReport,
  ): Promise<void> {
    const { services: into } = report;
    let counts: ReturnType<typeof toServiceCounts>;
    try {
      counts = toServiceCounts(await queryInterval(queries, intervalEnd));
    } catch (error) {
      for (const s of services) into.failures.push({ ...s, error: (error as Error).message });
      return;
    }
    if (typeof counts === "string") {
      for (const s of services) into.missing.push({ ...s, reason: counts });
      return;
    }
    const batch: ServiceSample[] = services.map((s) => ({
      ...counts,
      ...s,
      intervalEnd,
      intervalSeconds: options.intervalSeconds,
    }));
    try {
      // As for cohorts, an interval read again keeps its first reading: a conflict, neither failure nor log.
      const { stored, conflictDetails } = await storeServiceSamples(ctx, batch);
      into.stored += stored;
      into.samples.push(...batch);
      for (const { index, fields } of conflictDetails) {
        const sample = batch[index];
        if (sample) into.conflicts.push({ service: sample.service, environment: sample.environment, fields });
      }
    } catch (error) {
      for (const s of services) into.failures.push({ ...s, error: `store: ${(error as Error).message}` });
    }
  }

  function renderQueries(rollout: PolledRollout): QuerySet {
    return renderQuerySet(options.queries, { ...rollout, intervalSeconds: options.intervalSeconds });
  }

  function renderServiceQueries(service: PolledService): QuerySet {
    const values = { ...service, rolloutId: "", intervalSeconds: options.intervalSeconds };
    return renderQuerySet(serviceQueries(options.queries), values);
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

/**
 * One clause per problem, naming whom it cost (rollouts sharing a query share its error), e.g.
 * "checkout-api/production (r1), search/production (r2): <error>".
 */
function describeProblems(problems: readonly { who: string; problem: string }[]): string {
  const byProblem = new Map<string, string[]>();
  for (const { who, problem } of problems) byProblem.set(problem, [...(byProblem.get(problem) ?? []), who]);
  return [...byProblem].map(([problem, whom]) => `${whom.join(", ")}: ${problem}`).join("; ");
}
