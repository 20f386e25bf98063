import { describe, expect, it } from "vitest";
import type { CohortSample } from "./cohort-sample";
import { downsample } from "./downsample";

const sample = (
  cohort: CohortSample["cohort"],
  end: number,
  requests: number,
  errors: number,
): CohortSample => ({
  rolloutId: "r",
  cohort,
  intervalEnd: end,
  intervalSeconds: 10,
  requests,
  errors,
  latency: { bounds: [100], counts: [requests - 1, 1] },
  conversions: { successes: 1, trials: 2 },
});

describe("downsample", () => {
  it("keeps everything when there are few enough samples", () => {
    const samples = [sample("baseline", 10, 5, 0), sample("canary", 10, 5, 1)];
    expect(downsample(samples, 10)).toEqual(samples);
  });

  it("adds counts and histograms of merged intervals, per cohort", () => {
    const samples = [10, 20, 30, 40].flatMap((t) => [
      sample("baseline", t, 10, 1),
      sample("canary", t, 4, 2),
    ]);
    const merged = downsample(samples, 2);
    expect(merged.map((s) => [s.cohort, s.intervalEnd, s.intervalSeconds, s.requests, s.errors])).toEqual([
      ["baseline", 20, 20, 20, 2],
      ["canary", 20, 20, 8, 4],
      ["baseline", 40, 20, 20, 2],
      ["canary", 40, 20, 8, 4],
    ]);
    expect(merged[0]?.latency.counts).toEqual([18, 2]);
    expect(merged[0]?.conversions).toEqual({ successes: 2, trials: 4 });
  });
});
