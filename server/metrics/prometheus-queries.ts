import { readFile } from "node:fs/promises";
import { z } from "zod";

/**
 * PromQL templates, one instant query each, evaluated at an interval's end. Every result must carry a
 * `cohort` label valued `baseline` or `canary` (use `label_replace` if your services say `stable`), and
 * the latency query also `le` in seconds. Placeholders: `$service` (the rollout's service name),
 * `$environment` (its release's environment) and `$rollout` (its id), each escaped for a double-quoted
 * label value, and `$interval` (the interval as a duration, e.g. `30s`). Each rollout gets its own
 * rendering; rollouts whose renderings are identical share one query and its numbers, so templates that
 * use only `$service` give a service's live rollouts in one environment the same samples. Rollouts of a
 * service in two environments whose rendering of any template is the same get no sample, each a failure
 * naming the keys (`refuseMixedEnvironments`): use `$environment` there.
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

/** One rollout's (or service environment's) rendered PromQL. */
export interface QuerySet {
  errors: string;
  latencyBuckets: string;
  conversions: { successes: string; trials: string } | null;
}

/** A rollout's (or service environment's) queries: the templates rendered with its values. */
export function renderQuerySet(
  templates: Pick<
    PrometheusQueries,
    "errors" | "latencyBuckets" | "conversionSuccesses" | "conversionTrials"
  >,
  values: QueryValues,
): QuerySet {
  const { errors, latencyBuckets, conversionSuccesses, conversionTrials } = templates;
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

/** Members whose renderings are identical (a query set, or one template's): one query serves them all. */
export interface QueryGroup<T, Q = QuerySet> {
  queries: Q;
  members: T[];
}

export function groupByQueries<T, Q>(members: readonly T[], render: (member: T) => Q): QueryGroup<T, Q>[] {
  const byQueries = new Map<string, QueryGroup<T, Q>>();
  for (const member of members) {
    const queries = render(member);
    const key = JSON.stringify(queries);
    const group = byQueries.get(key) ?? { queries, members: [] };
    group.members.push(member);
    byQueries.set(key, group);
  }
  return [...byQueries.values()];
}

type Placed = Pick<QueryValues, "service" | "environment">;

/** A query set's renderings, by the key of their template in a queries file. */
export type TemplateKeys = (queries: QuerySet) => Record<string, string>;

export const rolloutTemplateKeys: TemplateKeys = ({ errors, latencyBuckets, conversions }) => ({
  errors,
  latencyBuckets,
  ...(conversions && { conversionSuccesses: conversions.successes, conversionTrials: conversions.trials }),
});

export const serviceTemplateKeys: TemplateKeys = ({ errors, latencyBuckets }) => ({
  serviceErrors: errors,
  serviceLatencyBuckets: latencyBuckets,
});

/**
 * Takes out of `groups` the members whose rendering of any template is also their service's in another
 * environment: that query would give each environment both's traffic (staging's canary rolled back on
 * production's numbers, staging's burn spending production's budget). Each is refused with the
 * environments and the keys to fix instead. Members of one environment still share a query.
 */
export function refuseMixedEnvironments<T extends Placed>(
  groups: readonly QueryGroup<T>[],
  templateKeys: TemplateKeys,
  kind: "rollout" | "service",
): { groups: QueryGroup<T>[]; refused: (T & { error: string })[] } {
  const mixed = mixedEnvironments(
    groups.flatMap(({ queries, members }) =>
      members.map((member) => ({ member, texts: templateKeys(queries) })),
    ),
  );
  return {
    groups: groups
      .map((group) => ({ ...group, members: group.members.filter((m) => !mixed.has(m)) }))
      .filter((group) => group.members.length > 0),
    refused: [...mixed].map(([member, { environments, keys }]) => {
      const where = `${member.service} in ${[...environments].sort().join(" and ")}`;
      return {
        ...member,
        error: `the ${kind} queries read the same series for ${where}: use $environment in ${keys.join(" and ")}`,
      };
    }),
  };
}

/** Per member that shares a template's rendering with its service in another environment: where, which. */
function mixedEnvironments<T extends Placed>(
  rendered: readonly { member: T; texts: Record<string, string> }[],
) {
  const mixed = new Map<T, { environments: Set<string>; keys: string[] }>();
  for (const key of Object.keys(rendered[0]?.texts ?? {})) {
    for (const { members: sharing } of groupByQueries(rendered, ({ texts }) => texts[key])) {
      const several = servicesInSeveralEnvironments(sharing.map(({ member }) => member));
      for (const { member } of sharing) {
        const environments = several.get(member.service);
        if (!environments) continue;
        const found = mixed.get(member) ?? { environments: new Set(), keys: [] };
        for (const environment of environments) found.environments.add(environment);
        found.keys.push(key);
        mixed.set(member, found);
      }
    }
  }
  return mixed;
}

/** Services that appear in several environments among `members`, each with those environments. */
function servicesInSeveralEnvironments(members: readonly Placed[]): Map<string, Set<string>> {
  const environments = new Map<string, Set<string>>();
  for (const { service, environment } of members) {
    environments.set(service, (environments.get(service) ?? new Set()).add(environment));
  }
  return new Map([...environments].filter(([, set]) => set.size > 1));
}
