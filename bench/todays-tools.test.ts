import { describe, expect, it } from "vitest";
import type { AnalysisSample, Cohort } from "../server/domain/analysis/analysis-sample";
import { defaultGates } from "../server/domain/analysis/default-gates";
import type { ReplayInput } from "../server/domain/analysis/replay-step";
import { argoStyle, flaggerStyle, hodgesLehmann, kayentaStyle } from "./todays-tools";

const BOUNDS = [100, 250, 500, 1000];

/** One interval of one cohort: `requests` all under 100 ms unless `slow` of them take over 1 s. */
function sample(
  t: number,
  cohort: Cohort,
  requests: number,
  errors: number,
  opts: { slow?: number; conversions?: [number, number] } = {},
): AnalysisSample {
  const slow = opts.slow ?? 0;
  return {
    intervalEnd: t,
    cohort,
    requests,
    errors,
    latency: { bounds: BOUNDS, counts: [requests - slow, 0, 0, 0, slow] },
    conversions: opts.conversions ? { successes: opts.conversions[0], trials: opts.conversions[1] } : null,
  };
}

function step(samples: AnalysisSample[], holdSeconds = 600): ReplayInput {
  return { gates: defaultGates(), samples, expectedCanaryShare: 0.1, intervalSeconds: 30, holdSeconds };
}

const ends = (n: number) => Array.from({ length: n }, (_, i) => 30 * (i + 1));

describe("hodgesLehmann", () => {
  it("takes the median difference and counts ranks in from both ends for the interval", () => {
    // Differences: 1…5, five of each. z(0.75) = 0.674, sqrt(5·5·11/12) = 4.787: rank ⌊12.5 − 3.23⌋ = 9.
    const r = hodgesLehmann([1, 2, 3, 4, 5], [0, 0, 0, 0, 0], 0.5);
    expect(r).toEqual({ estimate: 3, lower: 2, upper: 4 });
  });
});

describe("argoStyle", () => {
  it("aborts on the first interval over 1% errors (failureLimit 0)", () => {
    const samples = [
      sample(30, "canary", 100, 1),
      sample(60, "canary", 100, 2),
      sample(90, "canary", 100, 0),
    ];
    expect(argoStyle(step(samples))).toEqual({ decision: "rollback", decidedAtSeconds: 60 });
  });

  it("aborts on a p99 over 500 ms, and promotes a canary under both thresholds", () => {
    expect(argoStyle(step([sample(30, "canary", 100, 0, { slow: 2 })])).decision).toBe("rollback");
    expect(argoStyle(step(ends(20).map((t) => sample(t, "canary", 100, 1)))).decision).toBe("promote");
  });

  it("aborts after five intervals in a row without data (consecutiveErrorLimit 4)", () => {
    const samples = [...ends(5).map((t) => sample(t, "baseline", 100, 0)), sample(180, "canary", 100, 0)];
    expect(argoStyle(step(samples))).toEqual({ decision: "rollback", decidedAtSeconds: 150 });
  });
});

describe("flaggerStyle", () => {
  it("rolls back on the fifth failed one-minute check", () => {
    const samples = ends(20).map((t) => sample(t, "canary", 50, 1)); // 2% errors every minute
    expect(flaggerStyle(step(samples))).toEqual({ decision: "rollback", decidedAtSeconds: 300 });
  });

  it("judges the minute, not the interval: 1 error in 120 requests passes", () => {
    const samples = ends(20).map((t) => sample(t, "canary", 60, t % 60 === 0 ? 1 : 0));
    expect(flaggerStyle(step(samples)).decision).toBe("promote");
  });
});

describe("kayentaStyle", () => {
  const cohorts = (canaryErrors: number, canarySlow: number) =>
    ends(20).flatMap((t, i) => [
      sample(t, "baseline", 1000, 5 + (i % 3), { slow: 5 + (i % 2), conversions: [100 + (i % 4), 1000] }),
      sample(t, "canary", 1000, canaryErrors + (i % 3), {
        slow: canarySlow + (i % 2),
        conversions: [100 + ((i + 1) % 4), 1000],
      }),
    ]);

  it("promotes a canary like its baseline", () => {
    expect(kayentaStyle(step(cohorts(5, 5))).decision).toBe("promote");
  });

  it("calls one worse metric in four marginal (score 75), and two a failure (score 50)", () => {
    expect(kayentaStyle(step(cohorts(30, 5))).decision).toBe("inconclusive");
    expect(kayentaStyle(step(cohorts(30, 40))).decision).toBe("rollback");
  });
});
