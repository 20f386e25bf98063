import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sampleProblems } from "../domain/metrics/cohort-sample";
import type { VectorElement } from "./prometheus-api";
import { DEFAULT_PROMETHEUS_QUERIES, loadPrometheusQueries, renderQuery } from "./prometheus-queries";
import { toCohortCounts } from "./prometheus-samples";

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
    for (const s of samples)
      expect(sampleProblems({ ...s, rolloutId: "r", intervalEnd: 1, intervalSeconds: 5 })).toEqual([]);
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

  it("reads a missing errors series as zero errors and NaN conversions as none", () => {
    const { samples } = toCohortCounts({
      errors: [],
      latencyBuckets: buckets("baseline", { "0.1": 7, "+Inf": 7 }),
      conversions: { successes: [], trials: [el({ cohort: "baseline" }, Number.NaN)] },
    });
    expect(samples).toMatchObject([{ cohort: "baseline", requests: 7, errors: 0, conversions: null }]);
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
});
