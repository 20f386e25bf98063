import { describe, expect, it } from "vitest";
import type { StepBoundary, VerdictMarker } from "../../../server/domain/charts/chart-marks";
import type { SeriesPoint } from "../../../server/domain/metrics/cohort-sample";
import {
  chartSummary,
  type MarginSource,
  mergePoints,
  placeVerdicts,
  timeAxis,
  toChartRows,
} from "./chart-rows";

const point = (t: number, cohort: SeriesPoint["cohort"], errorRate: number | null): SeriesPoint => ({
  t,
  cohort,
  requests: 100,
  errorRate,
  p95: null,
  p99: null,
  conversion: null,
});

const step = (t: number, stepIndex: number): StepBoundary => ({
  t,
  kind: "step",
  stepIndex,
  label: `Step ${stepIndex + 1}`,
});
const rollback: StepBoundary = { t: 40, kind: "rollback", stepIndex: null, label: "Rolled back to 1%" };

// Step 1 tolerates +50% or +0.01 (the wider wins); step 2 only +0.001 or +10%.
const marks: MarginSource = {
  steps: [
    { margins: { errorRate: { badDirection: "higher", minRelativeChange: 0.5, minAbsoluteChange: 0.01 } } },
    { margins: { errorRate: { badDirection: "higher", minRelativeChange: 0.1, minAbsoluteChange: 0.001 } } },
  ],
  boundaries: [step(5, 0), step(25, 1), rollback],
};

describe("chart rows", () => {
  it("pairs baseline and canary of the same interval, oldest first", () => {
    const rows = toChartRows(
      [point(20, "canary", 0.2), point(10, "baseline", 0.1), point(20, "baseline", 0.3)],
      "errorRate",
    );
    expect(rows).toEqual([
      { t: 10, baseline: 0.1, canary: null, threshold: null, band: null },
      { t: 20, baseline: 0.3, canary: 0.2, threshold: null, band: null },
    ]);
  });

  it("keeps one point per interval and cohort when a live update repeats one", () => {
    const merged = mergePoints(
      [point(10, "baseline", 0.1)],
      [point(10, "baseline", 0.5), point(20, "canary", 0.2)],
    );
    expect(merged).toEqual([point(10, "baseline", 0.5), point(20, "canary", 0.2)]);
  });

  it("draws the margin line of the step live in each interval, from that interval's baseline", () => {
    const rows = toChartRows(
      [
        point(0, "baseline", 0.02), // before the first step: no gates judge it
        point(10, "baseline", 0.02), // step 1: max(0.02 × 1.5, 0.02 + 0.01) = 0.03
        point(20, "baseline", 0.04), // step 1: max(0.04 × 1.5, 0.04 + 0.01) = 0.06
        point(30, "baseline", 0.02), // step 2: max(0.02 × 1.1, 0.02 + 0.001) = 0.022
        point(50, "baseline", 0.02), // rolled back: no step's gates
      ],
      "errorRate",
      marks,
    );
    expect(rows.map((r) => r.threshold)).toEqual([
      null,
      expect.closeTo(0.03, 10),
      expect.closeTo(0.06, 10),
      expect.closeTo(0.022, 10),
      null,
    ]);
    expect(rows[1]?.band?.[0]).toBe(0.02);
    expect(rows[1]?.band?.[1]).toBeCloseTo(0.03, 10);
    expect(rows[4]?.band).toBeNull();
  });

  it("draws no margin line without a baseline or for a metric the step does not gate", () => {
    const rows = toChartRows([point(10, "canary", 0.02)], "errorRate", marks);
    expect(rows[0]?.threshold).toBeNull();
    const p95 = toChartRows([{ ...point(10, "baseline", 0.02), p95: 120 }], "p95", marks);
    expect(p95[0]?.threshold).toBeNull();
  });
});

describe("time axis", () => {
  const rows = toChartRows([point(30, "baseline", 0.1), point(60, "baseline", 0.1)], "errorRate");

  it("reaches back to the step live at the first row and keeps the boundaries inside", () => {
    const boundaries = [step(5, 0), step(25, 1), { ...rollback, t: 45 }, step(70, 1)];
    expect(timeAxis(rows, boundaries)).toEqual({
      from: 25,
      to: 60,
      boundaries: [step(25, 1), { ...rollback, t: 45 }],
    });
  });

  it("is the rows' span without an earlier boundary, and absent without rows", () => {
    expect(timeAxis(rows, [])).toEqual({ from: 30, to: 60, boundaries: [] });
    expect(timeAxis([], [step(5, 0)])).toBeNull();
  });
});

describe("verdict markers on a chart", () => {
  const verdict = (
    t: number,
    metric: VerdictMarker["metric"],
    v: VerdictMarker["verdict"],
  ): VerdictMarker => ({
    t,
    stepIndex: 0,
    metric,
    gate: metric,
    verdict: v,
    detail: "",
  });
  const rows = toChartRows(
    [point(10, "baseline", 0.1), point(10, "canary", 0.3), point(20, "baseline", 0.2)],
    "errorRate",
  );

  it("sits each of this metric's markers on the canary at the nearest interval, else the baseline", () => {
    const placed = placeVerdicts(
      rows,
      [verdict(9, "errorRate", "pass"), verdict(19, "errorRate", "fail"), verdict(12, "p95", "fail")],
      "errorRate",
      0,
    );
    expect(placed.map((p) => [p.t, p.verdict, p.rowT, p.y])).toEqual([
      [9, "pass", 10, 0.3],
      [19, "fail", 20, 0.2],
    ]);
  });

  it("keeps only the newest markers", () => {
    const three = [
      verdict(9, "errorRate", "pass"),
      verdict(12, "errorRate", "fail"),
      verdict(19, "errorRate", "pass"),
    ];
    expect(placeVerdicts(rows, three, "errorRate", 0, 2).map((p) => p.t)).toEqual([12, 19]);
  });

  it("words the newest marker, and the others only where the word fits before the next", () => {
    const axis = toChartRows(
      [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((t) => point(t, "canary", 0.1)),
      "errorRate",
    );
    const placed = placeVerdicts(
      axis,
      [verdict(0, "errorRate", "pass"), verdict(30, "errorRate", "fail"), verdict(40, "errorRate", "pass")],
      "errorRate",
      0,
    );
    // The word takes a fifth of the axis: 30 after the first marker it fits, 10 after the second not.
    expect(placed.map((p) => [p.t, p.worded])).toEqual([
      [0, true],
      [30, false],
      [40, true],
    ]);
  });

  it("leaves out markers outside the axis", () => {
    expect(
      placeVerdicts(
        rows,
        [verdict(5, "errorRate", "pass"), verdict(25, "errorRate", "pass")],
        "errorRate",
        8,
      ),
    ).toEqual([]);
  });
});

describe("chart summary", () => {
  const format = (v: number) => `${(v * 100).toFixed(1)}%`;
  const clock = (t: number) => `t${t}`;
  const rows = toChartRows(
    [
      point(10, "baseline", 0.02),
      point(10, "canary", 0.025),
      point(30, "baseline", 0.02),
      point(30, "canary", null),
    ],
    "errorRate",
    marks,
  );

  it("tells the latest values, the margin, the live step and the newest verdict in words", () => {
    const summary = chartSummary({
      rows,
      boundaries: [step(25, 1)],
      verdicts: [
        {
          t: 10,
          rowT: 10,
          y: 0,
          worded: true,
          stepIndex: 0,
          metric: "errorRate",
          gate: "error-rate",
          verdict: "pass",
          detail: "",
        },
        {
          t: 30,
          rowT: 30,
          y: 0,
          worded: true,
          stepIndex: 1,
          metric: "errorRate",
          gate: "error-rate",
          verdict: "fail",
          detail: "",
        },
      ],
      format,
      clock,
      failsWhen: "above",
    });
    // Step 2 at t30: max(0.02 × 1.1, 0.02 + 0.001) = 0.022 → 2.2%
    expect(summary).toBe(
      "Latest at t30: canary no data, baseline 2.0%, gate margin 2.2% (canary above it fails). Step 2 since t25. 2 verdict changes; latest ✗ fail at t30.",
    );
  });

  it("says so when nothing has arrived or no step judges", () => {
    const input = { boundaries: [], verdicts: [], format, clock, failsWhen: "above" as const };
    expect(chartSummary({ ...input, rows: [] })).toBe("No data yet.");
    expect(chartSummary({ ...input, rows: toChartRows([point(10, "baseline", 0.02)], "errorRate") })).toBe(
      "Latest at t10: canary no data, baseline 2.0%, no gate margin (no step's gates judge this interval). No gate verdict yet.",
    );
  });
});
