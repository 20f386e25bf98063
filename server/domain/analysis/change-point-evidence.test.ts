import { describe, expect, it } from "vitest";
import { combineStarts, startWeight } from "./change-point-evidence";
import { rankEvidenceByStart, rankStratum } from "./rank-shift-test";
import { logRateEvidence, logRateEvidenceByStart } from "./rate-ratio-test";

// Expected values are worked by hand, not produced by the code.

describe("change-point prior", () => {
  const prior = { firstShare: 0.5, horizon: 3 };

  it("puts firstShare on the first start and spreads the rest over the hold", () => {
    expect(startWeight(0, prior)).toBe(0.5);
    expect(startWeight(1, prior)).toBe(0.25);
    expect(startWeight(2, prior)).toBe(0.25);
    expect(startWeight(3, prior)).toBe(0); // past the hold: no weight, so Σ w stays 1
  });

  it("mixes per-start e-values, counting starts not reached yet as e = 1", () => {
    // E = 0.5·e⁰ + 0.25·4 + 0.25·1 (start 2 not reached) = 1.75; start 1 carries most weight (1 vs 0.5)
    const r = combineStarts([0, Math.log(4)], prior);
    expect(r.logE).toBeCloseTo(Math.log(1.75), 10);
    expect(r.start).toBe(1);
    expect(combineStarts([], prior).logE).toBe(0);
  });

  it("is 1 under no evidence at all, so it never starts above the null's mean", () => {
    // every start at e = 1: 0.5 + 0.25 + 0.25 = 1
    expect(combineStarts([0, 0, 0], prior).logE).toBeCloseTo(0, 12);
  });
});

describe("per-start evidence", () => {
  const stratum = { canaryEvents: 3, canaryTotal: 100, baselineEvents: 1, baselineTotal: 100 };
  const empty = { canaryEvents: 0, canaryTotal: 50, baselineEvents: 0, baselineTotal: 900 };
  const alike = { canaryEvents: 10, canaryTotal: 100, baselineEvents: 10, baselineTotal: 100 };

  it("runs the rate test from each stratum on", () => {
    // one stratum at θ = 2 gives log LR 0.457581 (statistics.test); the empty one adds nothing
    const byStart = logRateEvidenceByStart([stratum, empty, stratum], "higher", [2]);
    expect(byStart[0]).toBeCloseTo(2 * 0.457581, 5);
    expect(byStart[1]).toBeCloseTo(0.457581, 5);
    expect(byStart[2]).toBeCloseTo(0.457581, 5);
    expect(logRateEvidence([stratum, empty, stratum], "higher", [2])).toBeCloseTo(byStart[0] ?? 0, 12);
  });

  it("is not diluted by intervals before a late onset", () => {
    // alike at θ = 2, π = ½: p = ⅔, 10·ln(4/3) + 10·ln(2/3) = 2.876821 − 4.054651 = −1.177830 per stratum
    const byStart = logRateEvidenceByStart([alike, alike, stratum], "higher", [2]);
    expect(byStart[0]).toBeCloseTo(0.457581 - 2 * 1.17783, 4);
    expect(byStart[2]).toBeCloseTo(0.457581, 5);
  });

  it("runs the rank test from each stratum on", () => {
    const s = rankStratum({ bounds: [10], counts: [0, 2] }, { bounds: [10], counts: [2, 0] });
    if (!s) throw new Error("no stratum");
    // one stratum: S = (4 − 2)/5 = 0.4, V = (4/3)/25; ρ = 1, V + ρ = 1.053333:
    // log 2 + ½ log(1/1.053333) + 0.16/2.106667 + log Φ(0.389742) = 0.693147 − 0.025980 + 0.075949 − 0.428268
    const byStart = rankEvidenceByStart([s], 1, 1);
    expect(byStart[0]).toBeCloseTo(0.314848, 4);
  });
});
