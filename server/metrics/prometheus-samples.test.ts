import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type AnalysisSample, defaultGates, evaluateStep } from "../domain/analysis";
import { sampleProblems } from "../domain/metrics/cohort-sample";
import type { VectorElement } from "./prometheus-api";
import {
  DEFAULT_PROMETHEUS_QUERIES,
  loadPrometheusQueries,
  renderQuery,
  serviceQueries,
} from "./prometheus-queries";
import { toCohortCounts, toServiceCounts } from "./prometheus-samples";

const el = (labels: Record<string, string>, value: number): VectorElement => ({ labels, value });
const buckets = (cohort: string, cumulative: Record<string, number>) =>
  Object.entries(cumulative).map(([le, value]) => el({ cohort, le }, value));

describe("toCohortCounts", () => {
  it("turns cumulative second buckets into per-bucket ms counts that add up to requests", () => {
    const { samples, skipped } = toCohortCounts({
      errors: [el({ cohort: "baseline" }, 2.4), el({ cohort: "canary" }, 30.6)],
      latencyBuckets: [
        ...buckets("baseline", { "0.05": 50.4, "0.1": 80.2, "0.25": 99.6, "+Inf": 100.4 }),
        ...buckets("canary", { "0.05": 10.5, "0.1": 30.5, "0.25": 60.5, "+Inf": 100.5 }),
      ],
      conversions: null,
    });
    expect(skipped).toEqual([]);
    expect(samples).toEqual([
      {
        cohort: "baseline",
        requests: 100,
        errors: 2,
        latency: { bounds: [50, 100, 250], counts: [50, 30, 20, 0] },
        conversions: null,
      },
      {
        cohort: "canary",
        requests: 101,
        errors: 31,
        latency: { bounds: [50, 100, 250], counts: [11, 20, 30, 40] },
        conversions: null,
      },
    ]);
    for (const s of samples) expect(sampleProblems({ ...s, intervalEnd: 1, intervalSeconds: 5 })).toEqual([]);
  });

  it("clamps negative and non-monotone values and caps errors and successes", () => {
    const { samples } = toCohortCounts({
      errors: [el({ cohort: "canary" }, 500)],
      latencyBuckets: buckets("canary", { "0": 3, "0.3": 12, "0.1": -4, "+Inf": 10 }),
      conversions: {
        successes: [el({ cohort: "canary" }, 9)],
        trials: [el({ cohort: "canary" }, 4.2)],
      },
    });
    expect(samples).toEqual([
      {
        cohort: "canary",
        requests: 12,
        errors: 12,
        latency: { bounds: [100, 300], counts: [0, 12, 0] },
        conversions: { successes: 4, trials: 4 },
      },
    ]);
  });

  it("gives no sample for a cohort without a histogram, with NaN or Inf, or without +Inf", () => {
    const { samples, skipped } = toCohortCounts({
      errors: [el({ cohort: "baseline" }, Number.NaN)],
      latencyBuckets: [
        ...buckets("baseline", { "0.1": 5, "+Inf": 5 }),
        ...buckets("canary", { "0.1": Infinity, "+Inf": 5 }),
      ],
      conversions: null,
    });
    expect(samples).toEqual([]);
    expect(skipped).toEqual([
      { cohort: "baseline", reason: "errors is NaN" },
      { cohort: "canary", reason: "latency bucket le=0.1 is Infinity" },
    ]);
    expect(
      toCohortCounts({ errors: [], latencyBuckets: buckets("canary", { "0.1": 5 }), conversions: null })
        .skipped,
    ).toEqual([
      { cohort: "baseline", reason: "no latency histogram" },
      { cohort: "canary", reason: "latency histogram has no +Inf bucket" },
    ]);
  });

  it("compares both cohorts on the bounds both report, so a bound one lacks does not read as slower", () => {
    // Both cohorts served the same 1,000 requests; the canary's histogram lacks le=0.25.
    const served = { "0.05": 300, "0.1": 700, "0.25": 950, "0.5": 990, "+Inf": 1000 };
    const { "0.25": _, ...lacking } = served;
    const results = {
      errors: [],
      latencyBuckets: [...buckets("baseline", served), ...buckets("canary", lacking)],
      conversions: null,
    };
    const { samples, skipped } = toCohortCounts(results);
    expect(skipped).toEqual([]);
    const latency = { bounds: [50, 100, 500], counts: [300, 400, 290, 10] };
    expect(samples.map((s) => s.latency)).toEqual([latency, latency]);

    // Over a whole hold, identical traffic is no regression.
    const analysis: AnalysisSample[] = [1, 2, 3, 4, 5, 6].flatMap((i) =>
      samples.map((s) => ({ ...s, conversions: null, intervalEnd: i * 5 })),
    );
    const evaluation = evaluateStep({
      gates: defaultGates(),
      samples: analysis,
      expectedCanaryShare: 0.5,
      intervalSeconds: 5,
      holdSeconds: 30,
      elapsedSeconds: 30,
    });
    expect(evaluation.decision).toBe("promote");
  });

  it("gives neither cohort a sample when their histograms share no finite bound", () => {
    const { samples, skipped } = toCohortCounts({
      errors: [],
      latencyBuckets: [
        ...buckets("baseline", { "0.1": 5, "+Inf": 5 }),
        ...buckets("canary", { "0.25": 5, "+Inf": 5 }),
        // A series outside both cohorts has no say in the bounds.
        ...buckets("stable", { "0.1": 5, "0.25": 5, "+Inf": 5 }),
      ],
      conversions: null,
    });
    expect(samples).toEqual([]);
    expect(skipped).toEqual([
      { cohort: "baseline", reason: "latency histograms share no finite bucket bound" },
      { cohort: "canary", reason: "latency histograms share no finite bucket bound" },
    ]);
    // A cohort that gets no sample does not narrow the other's bounds.
    const lone = toCohortCounts({
      errors: [],
      latencyBuckets: [...buckets("baseline", { "0.1": 5, "+Inf": 5 }), ...buckets("canary", { "+Inf": 5 })],
      conversions: null,
    });
    expect(lone.samples.map((s) => [s.cohort, s.latency])).toEqual([
      ["baseline", { bounds: [100], counts: [5, 0] }],
    ]);
    expect(lone.skipped).toEqual([{ cohort: "canary", reason: "latency histogram has only a +Inf bucket" }]);
  });

  it("reads a missing errors series as zero errors and NaN conversions as none", () => {
    const { samples } = toCohortCounts({
      errors: [],
      latencyBuckets: buckets("baseline", { "0.1": 7, "+Inf": 7 }),
      conversions: { successes: [], trials: [el({ cohort: "baseline" }, Number.NaN)] },
    });
    expect(samples).toMatchObject([{ cohort: "baseline", requests: 7, errors: 0, conversions: null }]);
  });
});

describe("toServiceCounts", () => {
  const le = (cumulative: Record<string, number>, labels: Record<string, string> = {}) =>
    Object.entries(cumulative).map(([bound, value]) => el({ ...labels, le: bound }, value));

  it("counts a service's whole traffic by the cohorts' rules, every series of a result adding up", () => {
    const counts = toServiceCounts({
      errors: [el({}, 3.4), el({ instance: "b" }, 500)],
      latencyBuckets: [
        ...le({ "0": 2, "0.05": 50.4, "0.1": 40, "0.25": 99.6, "+Inf": 100.4 }),
        ...le({ "0.05": 10, "0.1": 20, "0.25": 30, "+Inf": 40 }, { instance: "b" }),
      ],
    });
    expect(counts).toEqual({
      requests: 140,
      errors: 140,
      latency: { bounds: [50, 100, 250], counts: [60, 0, 70, 10] },
    });
    expect(sampleProblems({ ...(counts as object), intervalEnd: 1, intervalSeconds: 5 } as never)).toEqual(
      [],
    );
  });

  it("gives no counts, and says why, without a histogram or with NaN; no errors series is zero", () => {
    expect(toServiceCounts({ errors: [el({}, 1)], latencyBuckets: [] })).toBe("no latency histogram");
    expect(
      toServiceCounts({ errors: [el({}, Number.NaN)], latencyBuckets: le({ "0.1": 1, "+Inf": 1 }) }),
    ).toBe("errors is NaN");
    expect(toServiceCounts({ errors: [], latencyBuckets: le({ "0.1": 1, "+Inf": Infinity }) })).toBe(
      "latency bucket le=+Inf is Infinity",
    );
    expect(toServiceCounts({ errors: [], latencyBuckets: le({ "0.1": 1, "+Inf": 2 }) })).toEqual({
      requests: 2,
      errors: 0,
      latency: { bounds: [100], counts: [1, 1] },
    });
  });
});

describe("prometheus queries", () => {
  it("fills placeholders, escaping the service for a quoted label value", () => {
    expect(
      renderQuery('x{service="$service",env="$environment"}[$interval] $rollout', {
        service: 'a"b\\c',
        environment: "staging",
        intervalSeconds: 30,
        rolloutId: "r1",
      }),
    ).toBe('x{service="a\\"b\\\\c",env="staging"}[30s] r1');
  });

  it("escapes the environment and never fills a placeholder inside a value", () => {
    expect(
      renderQuery('x{env="$environment",service="$service"}', {
        service: "s",
        environment: 'eu"$rollout',
        intervalSeconds: 5,
        rolloutId: "r1",
      }),
    ).toBe('x{env="eu\\"$rollout",service="s"}');
  });

  it("loads templates from a JSON file and names what is wrong with one", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "sluice-queries-"));
    const good = path.join(dir, "good.json");
    await writeFile(good, JSON.stringify({ ...DEFAULT_PROMETHEUS_QUERIES, errors: "e" }));
    expect((await loadPrometheusQueries(good)).errors).toBe("e");
    expect(await loadPrometheusQueries(undefined)).toBe(DEFAULT_PROMETHEUS_QUERIES);
    const bad = path.join(dir, "bad.json");
    await writeFile(bad, JSON.stringify({ errors: "e", conversionTrials: "t" }));
    await expect(loadPrometheusQueries(bad)).rejects.toThrow(/latencyBuckets/);
    await writeFile(bad, JSON.stringify({ ...DEFAULT_PROMETHEUS_QUERIES, conversionTrials: "t" }));
    await expect(loadPrometheusQueries(bad)).rejects.toThrow(/go together/);
  });

  it("refuses a service template that uses $rollout, naming the key, and defaults omitted ones", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "sluice-queries-"));
    const file = path.join(dir, "queries.json");
    const cohortOnly = { errors: "e", latencyBuckets: "l" };
    await writeFile(
      file,
      JSON.stringify({ ...cohortOnly, serviceErrors: "e", serviceLatencyBuckets: 'l{r="$rollout"}' }),
    );
    await expect(loadPrometheusQueries(file)).rejects.toThrow(
      /^Prometheus queries .*: serviceLatencyBuckets: uses \$rollout/,
    );
    await writeFile(file, JSON.stringify({ ...cohortOnly, serviceErrors: "e" }));
    await expect(loadPrometheusQueries(file)).rejects.toThrow(
      /serviceErrors and serviceLatencyBuckets go together/,
    );
    await writeFile(file, JSON.stringify(cohortOnly));
    expect(serviceQueries(await loadPrometheusQueries(file))).toEqual({
      errors: 'sum(increase(http_requests_total{service="$service",status=~"5.."}[$interval]))',
      latencyBuckets:
        'sum by (le) (increase(http_request_duration_seconds_bucket{service="$service"}[$interval]))',
    });
    await writeFile(
      file,
      JSON.stringify({ ...cohortOnly, serviceErrors: "se", serviceLatencyBuckets: "sl" }),
    );
    expect(serviceQueries(await loadPrometheusQueries(file))).toEqual({ errors: "se", latencyBuckets: "sl" });
  });
});
