import { describe, expect, it } from "vitest";
import { histogramQuantile, mergeHistograms } from "./histogram";

describe("histogramQuantile", () => {
  const bounds = [10, 20, 50];

  it("interpolates inside the bucket holding the rank", () => {
    // 100 observations: 50 in (0,10], 30 in (10,20], 20 in (20,50]. p90 has rank 90: 10 into the
    // third bucket of 20, i.e. halfway from 20 to 50 = 35.
    expect(histogramQuantile({ bounds, counts: [50, 30, 20, 0] }, 0.9)).toBe(35);
    // p50 has rank 50: the whole first bucket, so its upper bound.
    expect(histogramQuantile({ bounds, counts: [50, 30, 20, 0] }, 0.5)).toBe(10);
  });

  it("skips empty buckets and caps the overflow at the largest bound", () => {
    expect(histogramQuantile({ bounds, counts: [0, 0, 4, 0] }, 0.5)).toBe(35);
    expect(histogramQuantile({ bounds, counts: [1, 0, 0, 9] }, 0.99)).toBe(50);
  });

  it("has no quantile without observations", () => {
    expect(histogramQuantile({ bounds, counts: [0, 0, 0, 0] }, 0.99)).toBeNull();
  });
});

describe("mergeHistograms", () => {
  it("adds bucket by bucket", () => {
    expect(
      mergeHistograms([
        { bounds: [1], counts: [1, 2] },
        { bounds: [1], counts: [3, 4] },
      ]),
    ).toEqual({ bounds: [1], counts: [4, 6] });
    expect(mergeHistograms([])).toBeNull();
  });
});
