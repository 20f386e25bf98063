import { describe, expect, it } from "vitest";
import type { SeriesPoint } from "../../../server/domain/metrics/cohort-sample";
import { mergePoints, toChartRows } from "./chart-rows";

const point = (t: number, cohort: SeriesPoint["cohort"], errorRate: number): SeriesPoint => ({
  t,
  cohort,
  requests: 100,
  errorRate,
  p95: null,
  p99: null,
  conversion: null,
});

describe("chart rows", () => {
  it("pairs baseline and canary of the same interval, oldest first", () => {
    const rows = toChartRows(
      [point(20, "canary", 0.2), point(10, "baseline", 0.1), point(20, "baseline", 0.3)],
      "errorRate",
    );
    expect(rows).toEqual([
      { t: 10, baseline: 0.1, canary: null },
      { t: 20, baseline: 0.3, canary: 0.2 },
    ]);
  });

  it("keeps one point per interval and cohort when a live update repeats one", () => {
    const merged = mergePoints(
      [point(10, "baseline", 0.1)],
      [point(10, "baseline", 0.5), point(20, "canary", 0.2)],
    );
    expect(merged).toEqual([point(10, "baseline", 0.5), point(20, "canary", 0.2)]);
  });
});
