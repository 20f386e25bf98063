import { describe, expect, it } from "vitest";
import {
  type CohortSample,
  cohortOf,
  describeSampleConflict,
  sampleDifferences,
  sampleProblems,
  toSeriesPoint,
} from "./cohort-sample";

const valid: CohortSample = {
  rolloutId: "r1",
  cohort: "canary",
  intervalEnd: 1_000_000,
  intervalSeconds: 10,
  requests: 200,
  errors: 4,
  latency: { bounds: [50, 100, 250], counts: [100, 60, 40, 0] },
  conversions: { successes: 3, trials: 20 },
};

describe("toSeriesPoint", () => {
  it("summarises rates and quantiles", () => {
    // p95 rank 190: 30 into the (100,250] bucket of 40 → 100 + 150 * 30/40 = 212.5
    // p99 rank 198: 38 into it → 100 + 150 * 38/40 = 242.5
    expect(toSeriesPoint(valid)).toEqual({
      t: 1_000_000,
      cohort: "canary",
      requests: 200,
      errorRate: 0.02,
      p95: 212.5,
      p99: 242.5,
      conversion: 0.15,
    });
  });

  it("has no rates without traffic", () => {
    const empty = {
      ...valid,
      requests: 0,
      errors: 0,
      latency: { bounds: [50], counts: [0, 0] },
      conversions: null,
    };
    expect(toSeriesPoint(empty)).toMatchObject({ errorRate: null, p95: null, p99: null, conversion: null });
  });
});

describe("sampleProblems", () => {
  it("accepts a consistent sample", () => {
    expect(sampleProblems(valid)).toEqual([]);
  });

  it("names each inconsistent field", () => {
    expect(
      sampleProblems({
        ...valid,
        errors: 300,
        latency: { bounds: [100, 50], counts: [1, 2] },
        conversions: { successes: 5, trials: 2 },
      }),
    ).toEqual([
      "errors: must not exceed requests",
      "latency.bounds[1]: bounds must be positive and strictly increasing",
      "latency.counts: needs 3 entries (one per bound plus overflow)",
      "latency.counts: sum 3 must equal requests 200",
      "conversions.successes: must not exceed trials",
    ]);
    expect(sampleProblems({ ...valid, requests: -1.5 })).toContain("requests: must be a whole number ≥ 0");
  });
});

describe("sampleDifferences", () => {
  it("finds none between a sample and its identical resend", () => {
    expect(sampleDifferences({ ...valid }, valid)).toEqual([]);
    const copy = { ...valid, latency: { bounds: [50, 100, 250], counts: [100, 60, 40, 0] } };
    expect(sampleDifferences(copy, valid)).toEqual([]);
  });

  it("names each differing value, sent before stored", () => {
    const corrected: CohortSample = {
      ...valid,
      requests: 210,
      latency: { bounds: [50, 100, 250], counts: [110, 60, 40, 0] },
      conversions: { successes: 3, trials: 21 },
    };
    expect(sampleDifferences(corrected, valid)).toEqual([
      { field: "requests", sent: "210", stored: "200" },
      { field: "latency.counts", sent: "[110,60,40,0]", stored: "[100,60,40,0]" },
      { field: "conversions.trials", sent: "21", stored: "20" },
    ]);
    expect(sampleDifferences({ ...valid, conversions: null }, valid)).toEqual([
      { field: "conversions", sent: "none", stored: "3/20" },
    ]);
    expect(sampleDifferences({ ...valid, intervalSeconds: 30 }, valid).map((d) => d.field)).toEqual([
      "intervalSeconds",
    ]);
  });

  it("describes a conflict by its key and differences", () => {
    const sample = { ...valid, intervalEnd: Date.parse("2026-11-27T10:00:10Z"), requests: 120 };
    const differences = sampleDifferences(sample, { ...sample, requests: 118 });
    expect(describeSampleConflict(sample, cohortOf(sample), differences)).toBe(
      "interval ending 2026-11-27T10:00:10.000Z of canary (rollout r1) already stored with other values " +
        "(sent ≠ stored: requests 120 ≠ 118); the stored sample stands",
    );
    expect(
      describeSampleConflict(sample, cohortOf(sample), differences, "samples[0] of this batch"),
    ).toContain("already stored by samples[0] of this batch with other values");
  });
});
