import { describe, expect, it } from "vitest";
import {
  groupByQueries,
  type PrometheusQueries,
  refuseMixedEnvironments,
  renderQuerySet,
  rolloutTemplateKeys,
} from "./prometheus-queries";

interface Rollout {
  rolloutId: string;
  service: string;
  environment: string;
}

const render = (templates: PrometheusQueries) => (rollout: Rollout) =>
  renderQuerySet(templates, { ...rollout, intervalSeconds: 30 });

const refuse = (templates: PrometheusQueries, rollouts: Rollout[]) =>
  refuseMixedEnvironments(groupByQueries(rollouts, render(templates)), rolloutTemplateKeys, "rollout");

const rollout = (rolloutId: string, service: string, environment: string): Rollout => ({
  rolloutId,
  service,
  environment,
});

describe("refuseMixedEnvironments", () => {
  it("refuses a service's rollouts in two environments that share any one template, naming only those keys", () => {
    const { groups, refused } = refuse(
      {
        errors: 'errors{service="$service",env="$environment"}',
        latencyBuckets: 'buckets{service="$service"}',
        conversionSuccesses: 'successes{service="$service"}',
        conversionTrials: 'trials{service="$service",env="$environment"}',
      },
      [
        rollout("p", "checkout", "production"),
        rollout("s", "checkout", "staging"),
        rollout("x", "search", "staging"),
      ],
    );
    expect(refused.map((r) => r.rolloutId)).toEqual(["p", "s"]);
    expect(refused[0]?.error).toBe(
      "the rollout queries read the same series for checkout in production and staging: " +
        "use $environment in latencyBuckets and conversionSuccesses",
    );
    expect(groups.flatMap((g) => g.members.map((m) => m.rolloutId))).toEqual(["x"]);
  });

  it("lets rollouts of one environment share a query, and names each environment once", () => {
    const templates = { errors: 'errors{service="$service"}', latencyBuckets: 'buckets{service="$service"}' };
    const production = [rollout("p1", "checkout", "production"), rollout("p2", "checkout", "production")];
    const alone = refuse(templates, production);
    expect(alone.refused).toEqual([]);
    expect(alone.groups).toHaveLength(1);
    expect(alone.groups[0]?.members).toEqual(production);

    const mixed = refuse(templates, [...production, rollout("s", "checkout", "staging")]);
    expect(mixed.groups).toEqual([]);
    expect(mixed.refused.map((r) => r.rolloutId)).toEqual(["p1", "p2", "s"]);
    expect(mixed.refused[0]?.error).toContain("for checkout in production and staging:");
  });
});
