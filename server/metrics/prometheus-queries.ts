import { readFile } from "node:fs/promises";
import { z } from "zod";

/**
 * PromQL templates, one instant query each, evaluated at an interval's end. Every result must carry a
 * `cohort` label valued `baseline` or `canary` (use `label_replace` if your services say `stable`), and
 * the latency query also `le` in seconds. Placeholders: `$service` (the rollout's service name),
 * `$environment` (its release's environment) and `$rollout` (its id), each escaped for a double-quoted
 * label value, and `$interval` (the interval as a duration, e.g. `30s`). Each rollout gets its own
 * rendering; rollouts whose renderings are identical share one query and its numbers, so templates that
 * use only `$service` give every live rollout of a service the same samples.
 *
 * `serviceErrors` and `serviceLatencyBuckets` read a service's whole traffic in an environment (what its
 * SLOs judge), for every service environment an SLO watches, rollout or not: no `cohort` label (every
 * series of a result counts), `le` on the buckets, and no `$rollout`, which has no value there. Omitted,
 * they are the defaults below.
 */
const serviceTemplate = z
  .string()
  .min(1)
  .refine((template) => !template.includes("$rollout"), {
    message: "uses $rollout, but a service's whole traffic belongs to no rollout",
  });

export const prometheusQueriesSchema = z.strictObject({
  errors: z.string().min(1),
  latencyBuckets: z.string().min(1),
  conversionSuccesses: z.string().min(1).optional(),
  conversionTrials: z.string().min(1).optional(),
  serviceErrors: serviceTemplate.optional(),
  serviceLatencyBuckets: serviceTemplate.optional(),
});

export type PrometheusQueries = z.infer<typeof prometheusQueriesSchema>;

const SELECTOR = 'service="$service",cohort=~"baseline|canary"';

export const DEFAULT_PROMETHEUS_QUERIES = {
  errors: `sum by (cohort) (increase(http_requests_total{${SELECTOR},status=~"5.."}[$interval]))`,
  latencyBuckets: `sum by (cohort, le) (increase(http_request_duration_seconds_bucket{${SELECTOR}}[$interval]))`,
  serviceErrors: 'sum(increase(http_requests_total{service="$service",status=~"5.."}[$interval]))',
  serviceLatencyBuckets:
    'sum by (le) (increase(http_request_duration_seconds_bucket{service="$service"}[$interval]))',
} satisfies PrometheusQueries;

/** The templates of a service's whole traffic: the configured ones, else the defaults. */
export function serviceQueries(queries: PrometheusQueries): { errors: string; latencyBuckets: string } {
  return {
    errors: queries.serviceErrors ?? DEFAULT_PROMETHEUS_QUERIES.serviceErrors,
    latencyBuckets: queries.serviceLatencyBuckets ?? DEFAULT_PROMETHEUS_QUERIES.serviceLatencyBuckets,
  };
}

/** The templates in a JSON file (keys as in `prometheusQueriesSchema`), or the defaults without one. */
export async function loadPrometheusQueries(file: string | undefined): Promise<PrometheusQueries> {
  if (!file) return DEFAULT_PROMETHEUS_QUERIES;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new Error(`Prometheus queries ${file}: ${(error as Error).message}`);
  }
  const parsed = prometheusQueriesSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`);
    throw new Error(`Prometheus queries ${file}: ${problems.join("; ")}`);
  }
  if (!parsed.data.conversionSuccesses !== !parsed.data.conversionTrials) {
    throw new Error(`Prometheus queries ${file}: conversionSuccesses and conversionTrials go together`);
  }
  if (!parsed.data.serviceErrors !== !parsed.data.serviceLatencyBuckets) {
    throw new Error(`Prometheus queries ${file}: serviceErrors and serviceLatencyBuckets go together`);
  }
  return parsed.data;
}

export interface QueryValues {
  service: string;
  environment: string;
  rolloutId: string;
  intervalSeconds: number;
}

export function renderQuery(template: string, values: QueryValues): string {
  const rendered: Record<string, string> = {
    service: escapeLabelValue(values.service),
    environment: escapeLabelValue(values.environment),
    rollout: escapeLabelValue(values.rolloutId),
    interval: `${values.intervalSeconds}s`,
  };
  // One pass, so a value that contains a placeholder's name is not itself replaced.
  return template.replaceAll(
    /\$(service|environment|rollout|interval)/g,
    (_, name: string) => rendered[name] ?? "",
  );
}

/** A double-quoted PromQL string literal takes Go's escapes; a name must not end or change the selector. */
function escapeLabelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

/** One rollout's rendered PromQL. */
export interface QuerySet {
  errors: string;
  latencyBuckets: string;
  conversions: { successes: string; trials: string } | null;
}

/** Rollouts (or service environments) whose rendered queries are identical: one query serves them all. */
export interface QueryGroup<T> {
  queries: QuerySet;
  members: T[];
}

export function groupByQueries<T>(members: readonly T[], render: (member: T) => QuerySet): QueryGroup<T>[] {
  const byQueries = new Map<string, QueryGroup<T>>();
  for (const member of members) {
    const queries = render(member);
    const key = JSON.stringify(queries);
    const group = byQueries.get(key) ?? { queries, members: [] };
    group.members.push(member);
    byQueries.set(key, group);
  }
  return [...byQueries.values()];
}

/** Services that appear in several environments among `members`, each with those environments listed. */
export function servicesInSeveralEnvironments(
  members: readonly Pick<QueryValues, "service" | "environment">[],
): Map<string, string> {
  const environments = new Map<string, string[]>();
  for (const { service, environment } of members) {
    environments.set(service, [...(environments.get(service) ?? []), environment]);
  }
  return new Map(
    [...environments]
      .filter(([, list]) => list.length > 1)
      .map(([service, list]) => [service, list.sort().join(" and ")]),
  );
}
