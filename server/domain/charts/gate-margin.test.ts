import { describe, expect, it } from "vitest";
import { defaultGates } from "../analysis/default-gates";
import { marginLine, marginsOf } from "./gate-margin";

const errorRate = { badDirection: "higher", minRelativeChange: 0.25, minAbsoluteChange: 0.0007 } as const;
const p95 = { badDirection: "higher", minRelativeChange: 0.15, minAbsoluteChange: 5 } as const;
const conversion = { badDirection: "lower", minRelativeChange: 0.08, minAbsoluteChange: 0.002 } as const;

describe("the margin line drawn from the baseline", () => {
  it("takes the relative margin when it is the wider one (higher is bad)", () => {
    // 0.005 × 1.25 = 0.00625 > 0.005 + 0.0007 = 0.0057
    expect(marginLine("errorRate", errorRate, 0.005)).toBeCloseTo(0.00625, 10);
    // 100 ms × 1.15 = 115 ms > 100 + 5 = 105 ms
    expect(marginLine("p95", p95, 100)).toBeCloseTo(115, 10);
  });

  it("takes the absolute margin when the baseline is small (higher is bad)", () => {
    // 0.001 × 1.25 = 0.00125 < 0.001 + 0.0007 = 0.0017
    expect(marginLine("errorRate", errorRate, 0.001)).toBeCloseTo(0.0017, 10);
    // 20 ms × 1.15 = 23 ms < 20 + 5 = 25 ms
    expect(marginLine("p95", p95, 20)).toBeCloseTo(25, 10);
  });

  it("lies below the baseline when lower is bad, the lower of the two margins", () => {
    // 0.3 × 0.92 = 0.276 < 0.3 − 0.002 = 0.298
    expect(marginLine("conversion", conversion, 0.3)).toBeCloseTo(0.276, 10);
    // 0.01 × 0.92 = 0.0092 > 0.01 − 0.002 = 0.008
    expect(marginLine("conversion", conversion, 0.01)).toBeCloseTo(0.008, 10);
  });

  it("keeps proportions within [0, 1] and latencies at or above 0", () => {
    expect(marginLine("errorRate", errorRate, 0.9)).toBe(1); // 0.9 × 1.25 = 1.125
    expect(marginLine("conversion", conversion, 0.001)).toBe(0); // 0.001 − 0.002 < 0
    expect(marginLine("p95", p95, 2000)).toBeCloseTo(2300, 10); // no ceiling for milliseconds
  });
});

describe("a step's margins per chart", () => {
  it("maps each charted gate to its chart and leaves latency-shift out", () => {
    expect(marginsOf(defaultGates())).toEqual({
      errorRate: { badDirection: "higher", minRelativeChange: 0.25, minAbsoluteChange: 0.0007 },
      p95: { badDirection: "higher", minRelativeChange: 0.15, minAbsoluteChange: 5 },
      p99: { badDirection: "higher", minRelativeChange: 0.2, minAbsoluteChange: 10 },
      conversion: { badDirection: "lower", minRelativeChange: 0.08, minAbsoluteChange: 0.002 },
    });
  });

  it("has no margin for a metric the step does not gate", () => {
    expect(marginsOf([])).toEqual({});
  });
});
