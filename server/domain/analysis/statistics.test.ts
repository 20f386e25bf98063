import { describe, expect, it } from "vitest";
import { countAbove, exceedanceBound, histogramQuantile, shareAbove } from "./latency-histogram";
import { logSumExp } from "./log-sum-exp";
import { logNormalCdf, normalCdf, normalQuantile } from "./normal-distribution";
import { logNormalMixtureEvidence, rankStratum, summarizeRank } from "./rank-shift-test";
import { logPastMarginEvidence, logRateEvidence, marginZ, rateMargin } from "./rate-ratio-test";
import { sampleRatioCheck } from "./sample-ratio-check";
import { shiftHistogram } from "./shift-histogram";

// Expected values below are worked by hand (or from printed normal tables), not produced by the code.

describe("normal distribution", () => {
  it("matches table values", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    // log Φ(-8) = log(6.22096e-16) = -35.0134
    expect(logNormalCdf(-8)).toBeCloseTo(-35.0134, 2);
  });
});

describe("rate-ratio sequential test", () => {
  const stratum = { canaryEvents: 3, canaryTotal: 100, baselineEvents: 1, baselineTotal: 100 };

  it("gives the conditional-binomial likelihood ratio at a single alternative", () => {
    // π = 0.5, θ = 2 → p = 2/3; log LR = 3·ln(4/3) + 1·ln(2/3) = 0.863046 − 0.405465
    expect(logRateEvidence([stratum], "higher", [2])).toBeCloseTo(0.457581, 5);
    // θ = 1/2 → p = 1/3; log LR = 3·ln(2/3) + ln(4/3) = −1.216395 + 0.287682
    expect(logRateEvidence([stratum], "lower", [2])).toBeCloseTo(-0.928713, 5);
  });

  it("averages likelihood ratios over the grid", () => {
    // LR(θ=2) = e^0.457581 = 1.580247; LR(θ=4): p = 0.8, 3·ln 1.6 + ln 0.4 = 1.410011 − 0.916291 → 1.624
    const mean = (Math.exp(0.457581) + Math.exp(0.49372)) / 2;
    expect(logRateEvidence([stratum], "higher", [2, 4])).toBeCloseTo(Math.log(mean), 4);
  });

  it("adds up strata and ignores intervals without events", () => {
    const empty = { canaryEvents: 0, canaryTotal: 50, baselineEvents: 0, baselineTotal: 900 };
    expect(logRateEvidence([stratum, empty, stratum], "higher", [2])).toBeCloseTo(2 * 0.457581, 5);
    expect(logRateEvidence([empty], "higher")).toBe(0);
  });

  it("prices the past-margin Bayes factor against the margin ratio and beyond", () => {
    // Equal cohorts (π = ½), no canary event out of 2: at θ = 2, p = ⅔ and LR = (⅓ / ½)² = 4/9.
    const none = [{ canaryEvents: 0, canaryTotal: 100, baselineEvents: 2, baselineTotal: 100 }];
    expect(Math.exp(logPastMarginEvidence(none, "higher", 2, [1]))).toBeCloseTo(4 / 9, 9);
    // Lower is bad, both events in the canary: θ = ½ gives p = ⅓, LR = (⅔)² = 4/9; θ = ¼ gives p = ⅕,
    // LR = (⅖)² = 0.16; the mean is 0.302222.
    const both = [{ canaryEvents: 2, canaryTotal: 100, baselineEvents: 0, baselineTotal: 100 }];
    expect(Math.exp(logPastMarginEvidence(both, "lower", 0.5, [1, 2]))).toBeCloseTo(0.302222, 5);
  });

  it("draws the margin line at the larger of the relative and absolute margins", () => {
    expect(rateMargin(0.01, 1e6, "higher", 0.25, 0.0005).rate).toBeCloseTo(0.0125, 10);
    expect(rateMargin(0.001, 1e6, "higher", 0.25, 0.0005).rate).toBeCloseTo(0.0015, 10);
    expect(rateMargin(0.1, 1e6, "lower", 0.05, 0.001).rate).toBeCloseTo(0.095, 10);
  });

  it("scores zero canary events against the margin line", () => {
    // (0 − 0.0125) / √(0.0125·0.9875/1000) = −0.0125 / 0.00351337
    expect(marginZ(0, 1000, { rate: 0.0125, variance: 0 })).toBeCloseTo(-3.5578, 3);
  });
});

describe("rank shift test", () => {
  it("computes Mann-Whitney U with mid-ranks and the tie-corrected variance", () => {
    const s = rankStratum({ bounds: [10], counts: [0, 2] }, { bounds: [10], counts: [2, 0] });
    // every canary request above every baseline one: U = 4, E = 2; ties 2 and 2 → Σ(t³−t) = 12
    // Var = (2·2/12)·(5 − 12/(4·3)) = 4/3
    expect(s).toEqual({ u: 4, expected: 2, variance: 4 / 3, canary: 2, baseline: 2 });
    expect(summarizeRank(s ? [s] : []).superiority).toBe(1);
  });

  it("scores identical histograms as no difference", () => {
    const s = rankStratum({ bounds: [10], counts: [1, 1] }, { bounds: [10], counts: [1, 1] });
    expect(s?.u).toBe(2);
    expect(summarizeRank(s ? [s] : []).score).toBe(0);
  });

  it("prices the normal mixture at zero score as the prior's shrinkage", () => {
    // 2·√(1/4)·e⁰·Φ(0) = 0.5 → log = −0.693147
    expect(logNormalMixtureEvidence(0, 3, 1)).toBeCloseTo(-Math.LN2, 5);
    // S = 4, V = 3, ρ = 1: log 2 + ½ log ¼ + 16/8 + log Φ(2) = 0.693147 − 0.693147 + 2 − 0.023022
    expect(logNormalMixtureEvidence(4, 3, 1)).toBeCloseTo(1.976978, 4);
  });
});

describe("sample-ratio check", () => {
  it("flags a canary share far off its weight", () => {
    // χ² = (600 − 500)² / (1000·0.5·0.5) = 40
    const r = sampleRatioCheck(600, 1000, 0.5);
    expect(r.chiSquare).toBeCloseTo(40, 10);
    expect(r.mismatch).toBe(true);
    // χ² = 20² / 250 = 1.6
    expect(sampleRatioCheck(520, 1000, 0.5).mismatch).toBe(false);
  });
});

describe("latency histogram", () => {
  const h = { bounds: [10, 20], counts: [5, 5, 0] };

  it("interpolates quantiles inside buckets", () => {
    expect(histogramQuantile(h, 0.5)).toBe(10); // rank 5 ends bucket (0,10]
    expect(histogramQuantile(h, 0.75)).toBe(15); // rank 7.5: halfway through (10,20]
    expect(countAbove(h, 0)).toBe(5);
  });

  it("picks the bound whose baseline tail share is nearest 1 − q", () => {
    // shares above 10, 100, 1000: 0.5, 0.06, 0.005 → p95 uses 100; p99: |ln(.006/.01)|... 0.005 is nearest 0.01
    const base = { bounds: [10, 100, 1000], counts: [500, 440, 55, 5] };
    expect(exceedanceBound(base, 0.95)).toBe(1);
    expect(exceedanceBound(base, 0.99)).toBe(2);
  });

  it("picks a bound far into the tail when that is nearest 1 − q", () => {
    // shares above 100 and 250: 20% and 0.2%; |ln(20)| > |ln(0.2)|, so p99 counts above 250 ms
    const tail = { bounds: [100, 250], counts: [6400, 1584, 16] };
    expect(exceedanceBound(tail, 0.99)).toBe(1);
  });

  it("interpolates the share above a latency as a power law inside a bucket", () => {
    // shares above 100 and 250: 0.15 and 0.01
    const tail = { bounds: [100, 250], counts: [850, 140, 10] };
    expect(shareAbove(tail, 100)).toBeCloseTo(0.15, 12);
    expect(shareAbove(tail, 250)).toBeCloseTo(0.01, 12);
    // 200 ms is ln 2 / ln 2.5 = 0.756 of the way through (100, 250] in log-latency:
    // 0.15 · (0.01 / 0.15)^0.756 = 0.0193, where a uniform spread would give 0.15 − 0.14·(2/3) = 0.057
    expect(shareAbove(tail, 200)).toBeCloseTo(0.0193, 4);
    // the first bucket starts at 0: linear, halfway to 100 ms is halfway from 1 to 0.15
    expect(shareAbove(tail, 50)).toBeCloseTo(0.575, 12);
  });

  it("shifts a histogram log-uniformly within buckets", () => {
    const h2 = { bounds: [10, 100, 1000], counts: [0, 10, 0, 0] };
    expect(shiftHistogram(h2, 10).counts.map((c) => Math.round(c * 1e9) / 1e9)).toEqual([0, 0, 10, 0]);
    // (10,100] × √10 = (31.6, 316.2]: half of it (in log) lies below 100
    expect(shiftHistogram(h2, Math.sqrt(10)).counts.map((c) => Math.round(c * 1e9) / 1e9)).toEqual([
      0, 5, 5, 0,
    ]);
  });
});

describe("log-sum-exp", () => {
  it("adds values kept as logs, even ones too large to exponentiate", () => {
    expect(logSumExp([Math.log(1), Math.log(3)])).toBeCloseTo(Math.log(4), 12);
    // e^1000 overflows a double; e^1000 + e^1000 = 2·e^1000.
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.LN2, 9);
    expect(logSumExp([Number.NEGATIVE_INFINITY, Math.log(5)])).toBeCloseTo(Math.log(5), 12);
    expect(logSumExp([])).toBe(Number.NEGATIVE_INFINITY);
  });
});
